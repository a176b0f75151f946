#!/usr/bin/python3
"""Cross-checks `smsgw-diag pdu` against libgammu (Debian's python3-gammu), an
SMS implementation nobody here wrote, on thousands of random messages:

  1. smsgw encodes (--json) -> gammu decodes every part: number, SMSC, coding,
     concatenation (reference, part, total), class and the joined text agree.
  2. gammu encodes -> `smsgw-diag pdu decode --json` reads every part the same.

Usage: gammu_pdu_crosscheck.py SMSGW_DIAG [COUNT] [SEED]
Exit 0 when everything agrees, 1 with the first differences listed, 77 (skip)
when python3-gammu is not installed.
"""
import binascii
import json
import random
import subprocess
import sys

try:
    import gammu
except ImportError:
    print("SKIP: python3-gammu is not installed (apt-get install python3-gammu)")
    sys.exit(77)

DIAG = sys.argv[1]
COUNT = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
SEED = int(sys.argv[3]) if len(sys.argv) > 3 else 20261123

GSM_BASIC = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,!?@£$¥èéùìòØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ%&'()*+-/:;<=>¡ÄÖÑÜ§¿äöñüà\n\"#"
GSM_EXT = "^{}\\[]|€"  # '~' is left out: libgammu applies Nokia's '~' escaping (see vectors/README.md)
OUTSIDE = "ąćęłńóśźżșțőűčřžğıİ“”–…ЖжЯяЩщ"
CJK = "日本語中文한국어"
EMOJI = "😀🎉👍🚀"

rng = random.Random(SEED)
failures = []


def fail(case, what):
    failures.append(f"case {case}: {what}")


def random_text(ucs2):
    length = rng.randint(1, 500)
    pools = [GSM_BASIC] * 4 + [GSM_EXT] + ([OUTSIDE, CJK, EMOJI] if ucs2 else [])
    return "".join(rng.choice(rng.choice(pools)) for _ in range(length))


def random_number():
    kind = rng.random()
    if kind < 0.7:
        return "+" + str(rng.randint(1, 9)) + "".join(rng.choice("0123456789") for _ in range(rng.randint(6, 13)))
    if kind < 0.9:
        return "0" + "".join(rng.choice("0123456789") for _ in range(rng.randint(5, 11)))
    return "".join(rng.choice("0123456789") for _ in range(rng.randint(3, 6)))


def gammu_text(d):
    """The text of a gammu-decoded part. For GSM-7, python-gammu returns as many
    characters as TP-UDL counts septets, so an escape pair (two septets, one
    character) leaves trailing garbage: keep the characters whose septets add
    up to the part's length."""
    text = d["Text"]
    if d["Coding"] != "Default_No_Compression":
        return text
    units, kept = 0, []
    for c in text:
        if units >= d["Length"]:
            break
        units += 2 if c in GSM_EXT + "~\f" else 1
        kept.append(c)
    return "".join(kept)


def smsgw_encode_then_gammu_decode(case):
    ucs2 = rng.random() < 0.5
    text = random_text(ucs2)
    to = random_number()
    args = [DIAG, "pdu", "encode", "--to", to, "--text", text, "--json"]
    smsc = None
    if rng.random() < 0.5:
        smsc = "+" + str(rng.randint(1, 9)) + "".join(rng.choice("0123456789") for _ in range(10))
        args += ["--smsc", smsc]
    ref16 = rng.random() < 0.2
    if ref16:
        args += ["--ref16"]
    if rng.random() < 0.3:
        args += ["--report"]
    flash = rng.random() < 0.1
    if flash:
        args += ["--flash"]
    run = subprocess.run(args, capture_output=True, text=True)
    if run.returncode != 0:
        fail(case, f"smsgw-diag refused {args!r}: {run.stderr.strip()}")
        return
    out = json.loads(run.stdout)
    parts = out["parts"]
    joined = ""
    refs = set()
    for i, part in enumerate(parts, 1):
        raw = binascii.unhexlify(part["pdu"])
        if part["length"] != len(raw) - 1 - raw[0]:
            fail(case, f"part {i}: length {part['length']} is not the TPDU octet count")
        try:
            d = gammu.DecodePDU(raw, True)
        except gammu.GSMError as e:
            fail(case, f"part {i}: gammu cannot decode {part['pdu']}: {e}")
            return
        if d["Type"] != "Submit":
            fail(case, f"part {i}: gammu sees {d['Type']}")
        if d["Number"] != to:
            fail(case, f"part {i}: number {d['Number']!r} != {to!r}")
        if (d["SMSC"]["Number"] or None) != smsc:
            fail(case, f"part {i}: SMSC {d['SMSC']['Number']!r} != {smsc!r}")
        want_coding = "Unicode_No_Compression" if out["encoding"] == "ucs2" else "Default_No_Compression"
        if d["Coding"] != want_coding:
            fail(case, f"part {i}: coding {d['Coding']} for {out['encoding']}")
        if d["Class"] != (0 if flash else -1):
            fail(case, f"part {i}: class {d['Class']}")
        udh = d["UDH"]
        if len(parts) == 1:
            if udh["Type"] != "NoUDH":
                fail(case, f"single part carries a UDH {udh}")
        else:
            if udh["PartNumber"] != i or udh["AllParts"] != len(parts):
                fail(case, f"part {i}: UDH says part {udh['PartNumber']} of {udh['AllParts']}")
            refs.add(udh["ID16bit"] if ref16 else udh["ID8bit"])
        joined += gammu_text(d)
    if len(refs) > 1:
        fail(case, f"parts carry different references {refs}")
    if joined != text:
        fail(case, f"text differs:\n  sent  {text!r}\n  gammu {joined!r}")
    gsm7 = all(c in GSM_BASIC + GSM_EXT + "~\f" for c in text)
    if (out["encoding"] == "gsm7") != gsm7:
        fail(case, f"encoding {out['encoding']} chosen for a text that {'fits' if gsm7 else 'does not fit'} GSM-7")


def gammu_encode_then_smsgw_decode(case):
    ucs2 = rng.random() < 0.5
    text = random_text(ucs2)
    to = random_number()
    smss = gammu.EncodeSMS({"Class": -1, "Unicode": ucs2,
                            "Entries": [{"ID": "ConcatenatedTextLong", "Buffer": text}]})
    # gammu writes a number dialled with the 00 prefix as international.
    expected_to = "+" + to[2:] if to.startswith("00") else to
    joined = ""
    for i, sms in enumerate(smss, 1):
        sms["Number"] = to
        sms["SMSC"] = {"Location": 0, "Number": "+491722270333", "Validity": "NA"}
        hexpdu = binascii.hexlify(gammu.EncodePDU(sms)).decode().upper()
        run = subprocess.run([DIAG, "pdu", "decode", hexpdu, "--json"], capture_output=True, text=True)
        if run.returncode != 0:
            fail(case, f"smsgw-diag cannot decode gammu's {hexpdu}: {run.stderr.strip()}")
            return
        d = json.loads(run.stdout)
        if d["type"] != "submit" or d["to"] != expected_to or d["smsc"] != "+491722270333":
            fail(case, f"part {i}: {d['type']} to {d['to']} via {d['smsc']}, expected submit to {expected_to}")
        if len(smss) > 1 and (d["concat"] is None or d["concat"]["seq"] != i or d["concat"]["total"] != len(smss)):
            fail(case, f"part {i}: concat {d['concat']}")
        joined += d["text"]
    if joined != text:
        fail(case, f"text differs:\n  gammu sent {text!r}\n  smsgw read {joined!r}")


for case in range(COUNT):
    smsgw_encode_then_gammu_decode(case)
    if case % 4 == 0:
        gammu_encode_then_smsgw_decode(case)
    if len(failures) > 20:
        break

checked = COUNT + (COUNT + 3) // 4
if failures:
    print("\n".join(failures[:20]))
    print(f"{len(failures)} differences")
    sys.exit(1)
print(f"gammu cross-check: {COUNT} smsgw-encoded and {(COUNT + 3) // 4} gammu-encoded messages agree")
