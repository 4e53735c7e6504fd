//! How data is made safe to show as text: one escaping function for the whole crate.
//!
//! Order data, list rows, rule packs and file names are untrusted. Written raw to a terminal,
//! an ESC starts a control sequence (colours, cursor moves, OSC 8 links, OSC 52 clipboard
//! writes), a carriage return goes back to the start of the line so `CLEAR` can be printed over
//! `BLOCK`, a newline starts a line that looks like the report's own, and a bidirectional
//! override makes a name reorder the words after it. So every text format meant for people
//! (the human reports, Markdown, CSV cells, HTML text, diagnostics) passes data through
//! [`visible`], which writes each such character as `\u{HEX}`: its code point in lowercase hex,
//! as Rust writes it (`\u{1b}`, `\u{d}`, `\u{202e}`). The escape is for reading and is not
//! reversible (a literal `\u{1b}` typed into data looks the same); the JSON formats keep exact
//! values.
//!
//! Escaped ("hidden") characters: every control character (Unicode category Cc: C0, DEL and C1,
//! tab and line breaks included), every format character (Cf: bidirectional embeddings,
//! overrides, isolates and marks, zero-width space, word joiner, soft hyphen, byte order mark,
//! tag characters...) except the zero-width non-joiner and joiner, which Persian, Arabic and
//! Indic names need (as in lint's L041), and the line and paragraph separators (Zl, Zp), which
//! some viewers break lines on, and the whole tag block (U+E0000 to U+E007F), whose unassigned
//! characters are in no category a table names but show as nothing all the same. The category
//! tables are `regex_syntax`'s, the same the lint reads, rather than hand-written ranges.
//!
//! Escaping happens where text is written (a whole line at a time where possible), so the
//! report's own colour codes, written after escaping, stay, and the JSON formats, built from
//! the same helpers, keep exact values.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::sync::OnceLock;

use regex_syntax::hir::{Class, ClassUnicode, HirKind};

/// The non-ASCII hidden characters, as sorted ranges.
fn hidden_class() -> &'static ClassUnicode {
    static CLASS: OnceLock<ClassUnicode> = OnceLock::new();
    CLASS.get_or_init(|| {
        // The whole tag block, not only its assigned (Cf) characters: a terminal shows none of
        // it, and the unassigned ones (U+E0002 to U+E001F) are in no category but Cn.
        let pattern = r"[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\x{E0000}-\x{E007F}--[\x{200C}\x{200D}]]";
        match regex_syntax::parse(pattern).map(|h| h.into_kind()) {
            Ok(HirKind::Class(Class::Unicode(class))) => class,
            // The pattern is a constant that parses to a class (a test checks it); should it
            // ever not, the fixed list below still covers the characters that move the cursor
            // or reorder text.
            _ => {
                let mut class = ClassUnicode::empty();
                for (start, end) in FALLBACK {
                    class.push(regex_syntax::hir::ClassUnicodeRange::new(*start, *end));
                }
                class
            }
        }
    })
}

/// Controls, bidirectional and zero-width characters, used only if the category tables
/// cannot be read.
const FALLBACK: &[(char, char)] = &[
    ('\u{0}', '\u{1f}'),
    ('\u{7f}', '\u{9f}'),
    ('\u{ad}', '\u{ad}'),
    ('\u{61c}', '\u{61c}'),
    ('\u{200b}', '\u{200b}'),
    ('\u{200e}', '\u{200f}'),
    ('\u{2028}', '\u{202e}'),
    ('\u{2060}', '\u{206f}'),
    ('\u{feff}', '\u{feff}'),
    ('\u{fff9}', '\u{fffb}'),
    ('\u{e0000}', '\u{e007f}'),
];

/// True for a character that a terminal or viewer would act on or hide rather than show:
/// controls, format characters (but the zero-width joiner and non-joiner), the line and
/// paragraph separators, and the tag block.
pub fn is_hidden(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_control();
    }
    let ranges = hidden_class().ranges();
    ranges
        .binary_search_by(|r| {
            if r.end() < c {
                std::cmp::Ordering::Less
            } else if r.start() > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// `text` with every hidden character (see [`is_hidden`]) written as `\u{HEX}`; borrowed when
/// there is none, which is nearly always.
pub fn visible(text: &str) -> Cow<'_, str> {
    escape_where(text, |_, _| true)
}

/// Like [`visible`], but keeps the structure of a file's lines: line feeds, tabs and a carriage
/// return right before a line feed stay. For quoting a file in a diagnostic, where lines are
/// shown as lines; a lone carriage return, which would go back over the line, is escaped.
pub fn visible_lines(text: &str) -> Cow<'_, str> {
    escape_where(text, breaks_no_line)
}

/// False for the characters [`visible_lines`] keeps: they lay out a file's lines.
fn breaks_no_line(c: char, next: Option<char>) -> bool {
    match c {
        '\n' | '\t' => false,
        '\r' => next != Some('\n'),
        _ => true,
    }
}

/// Escapes the hidden characters for which `escape(char, next char)` says so.
fn escape_where(text: &str, escape: impl Fn(char, Option<char>) -> bool) -> Cow<'_, str> {
    // Nearly all text is printable ASCII: one pass over the bytes settles it.
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Cow::Borrowed(text);
    }
    let mut chars = text.char_indices().peekable();
    let mut out: Option<String> = None;
    let mut copied = 0;
    while let Some((i, c)) = chars.next() {
        if !is_hidden(c) || !escape(c, chars.peek().map(|(_, n)| *n)) {
            continue;
        }
        let buffer = out.get_or_insert_with(|| String::with_capacity(text.len() + 16));
        buffer.push_str(&text[copied..i]);
        let _ = write!(buffer, "\\u{{{:x}}}", c as u32);
        copied = i + c.len_utf8();
    }
    match out {
        None => Cow::Borrowed(text),
        Some(mut buffer) => {
            buffer.push_str(&text[copied..]);
            Cow::Owned(buffer)
        }
    }
}

/// Maps byte offsets of a text to offsets in its escaped form, so spans into a file still
/// point at the same characters once the file is shown escaped.
#[derive(Debug, Clone, Default)]
pub struct OffsetMap {
    /// (end of an escaped character in the original, bytes added up to and including it).
    shifts: Vec<(usize, usize)>,
}

impl OffsetMap {
    /// The map for `original` and its [`visible_lines`] form.
    pub fn for_lines(original: &str) -> OffsetMap {
        let mut shifts = Vec::new();
        let mut added = 0usize;
        let mut chars = original.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let next = chars.peek().map(|(_, n)| *n);
            if is_hidden(c) && breaks_no_line(c, next) {
                // `\u{` + hex digits + `}` replaces the character's own bytes.
                let width = format!("{:x}", c as u32).len() + 4;
                added = added.saturating_add(width.saturating_sub(c.len_utf8()));
                shifts.push((i + c.len_utf8(), added));
            }
        }
        OffsetMap { shifts }
    }

    /// Where `offset` of the original is in the escaped text.
    pub fn map(&self, offset: usize) -> usize {
        let before = self.shifts.partition_point(|(end, _)| *end <= offset);
        let added = before
            .checked_sub(1)
            .and_then(|i| self.shifts.get(i))
            .map_or(0, |(_, added)| *added);
        offset.saturating_add(added)
    }
}

/// Writes one line of text for people: `text` made [`visible`], then a line feed. Text
/// written this way cannot start another line or act on the terminal, whatever data it holds.
pub fn write_line(out: &mut dyn std::io::Write, text: &str) -> std::io::Result<()> {
    out.write_all(visible(text).as_bytes())?;
    out.write_all(b"\n")
}

/// Appends one line of text for people to `out`, as [`write_line`] writes it.
pub fn push_line(out: &mut String, text: &str) {
    out.push_str(&visible(text));
    out.push('\n');
}
