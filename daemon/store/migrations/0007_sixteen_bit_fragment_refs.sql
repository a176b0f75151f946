-- Schema version 7.
-- Fragments are grouped by sender, reference and total: 8- and 16-bit
-- concatenation references are separate spaces (TS 23.040 §9.2.3.24.1 and
-- .8), so a 16-bit reference is kept as 65536 + its value from now on
-- (store::group_ref). Those waiting now that are above 255 can only be 16-bit;
-- a 16-bit one of 255 or less waiting across the upgrade is taken for an
-- 8-bit one, and its group is released incomplete after the reassembly
-- timeout if its next part comes after the upgrade (its parts are kept).
UPDATE inbound_fragments SET ref = ref + 65536 WHERE ref > 255;
