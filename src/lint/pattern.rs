//! Regular expressions that compile but cost more than they should (L001,
//! L002, L003), and what a pattern can match at all (for `logic`).
//!
//! The checks read the pattern's syntax tree from `regex_syntax`, the parser
//! the `regex` crate itself uses, rather than the pattern text, so `(?:.*)`
//! and `.*` are seen as the same thing. The `regex` crate matches in linear
//! time whatever the pattern, so nothing here is catastrophic backtracking;
//! it is work and memory spent for nothing on every order.

use regex_syntax::hir::{Class, Hir, HirKind};

use super::Problem;

/// A compiled matcher above this many bytes is reported (L003). Loading
/// refuses patterns above 1 MiB; a pattern of a rule rarely needs a tenth of
/// that, and the usual cause is a counted repetition of a Unicode class
/// (`\w{50}`), which ASCII classes or a smaller count avoid.
const SIZE_WARNING: usize = 100 * 1024;

/// The limit `rules::validate` compiles `matches` patterns with.
const LOADING_LIMIT: usize = 1 << 20;

/// The cost problems of one pattern. A pattern that does not parse yields
/// nothing: loading has reported it (R033).
pub(super) fn problems(pattern: &str, case_insensitive: bool) -> Vec<Problem> {
    let Some(hir) = parse(pattern, case_insensitive) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(end) = needless_dot_star(&hir) {
        out.push(Problem {
            code: "L001",
            message: format!("pattern `{pattern}` {end} with a needless `.*`"),
            label: "needless `.*`".into(),
            help: "a pattern is searched for anywhere in the text, so a leading or trailing `.*` (or `^.*`, `.*$`) only adds work; remove it".into(),
        });
    }
    if has_nested_repetition(&hir, false) {
        out.push(Problem {
            code: "L002",
            message: format!("pattern `{pattern}` nests one unbounded repetition in another"),
            label: "nested repetition".into(),
            help: "`(a+)+` or `(\\w+\\s?)*` match what a single repetition matches (`a+`, `[\\w\\s]*`); write it without the nesting".into(),
        });
    }
    let compile = |limit: usize| {
        regex::RegexBuilder::new(pattern)
            .case_insensitive(case_insensitive)
            .size_limit(limit)
            .build()
    };
    // Above loading's own limit the pattern is an error (R033), not a warning.
    if matches!(compile(SIZE_WARNING), Err(regex::Error::CompiledTooBig(_)))
        && compile(LOADING_LIMIT).is_ok()
    {
        out.push(Problem {
            code: "L003",
            message: format!(
                "pattern `{pattern}` compiles to more than {} KiB",
                SIZE_WARNING / 1024
            ),
            label: "very large matcher".into(),
            help: "counted repetitions of Unicode classes (`\\w{50}`, `.{100}`) grow the matcher; use ASCII classes (`[0-9]`, `(?-u:\\w)`) or a smaller count".into(),
        });
    }
    out
}

/// What a pattern can match, as far as the syntax tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reach {
    /// It matches inside every text, even an empty one.
    Everything,
    /// It matches no text at all.
    Nothing,
    /// Some texts.
    Some,
}

/// What `pattern` can match (`Some` when it does not parse).
pub(super) fn reach(pattern: &str, case_insensitive: bool) -> Reach {
    let Some(hir) = parse(pattern, case_insensitive) else {
        return Reach::Some;
    };
    let props = hir.properties();
    match props.minimum_len() {
        None => Reach::Nothing,
        // With no anchor or word boundary, an empty match exists at the start
        // of any text.
        Some(0) if props.look_set().is_empty() => Reach::Everything,
        _ => Reach::Some,
    }
}

fn parse(pattern: &str, case_insensitive: bool) -> Option<Hir> {
    regex_syntax::ParserBuilder::new()
        .case_insensitive(case_insensitive)
        .build()
        .parse(pattern)
        .ok()
}

/// `"starts"` or `"ends"` when the pattern begins or ends with `.*` (after
/// an optional `^` or before an optional `$`).
fn needless_dot_star(hir: &Hir) -> Option<&'static str> {
    let items: Vec<&Hir> = match hir.kind() {
        HirKind::Concat(items) => items.iter().map(strip_capture).collect(),
        _ => vec![strip_capture(hir)],
    };
    let is_anchor = |h: &Hir| matches!(h.kind(), HirKind::Look(_));
    let first = items.iter().copied().find(|h| !is_anchor(h));
    let last = items.iter().rev().copied().find(|h| !is_anchor(h));
    // A pattern that is only `.*` matches everything; `logic` reports that.
    if items.iter().filter(|h| !is_anchor(h)).count() < 2 {
        return None;
    }
    if first.is_some_and(is_dot_star) {
        Some("starts")
    } else if last.is_some_and(is_dot_star) {
        Some("ends")
    } else {
        None
    }
}

fn strip_capture(hir: &Hir) -> &Hir {
    match hir.kind() {
        HirKind::Capture(c) => strip_capture(&c.sub),
        _ => hir,
    }
}

/// `.*` or `(?s).*`: any number of any character (but perhaps `\n`).
fn is_dot_star(hir: &Hir) -> bool {
    let HirKind::Repetition(rep) = hir.kind() else {
        return false;
    };
    if rep.min != 0 || rep.max.is_some() {
        return false;
    }
    match strip_capture(&rep.sub).kind() {
        HirKind::Class(Class::Unicode(class)) => {
            let mut rest = class.clone();
            rest.negate();
            rest.ranges()
                .iter()
                .all(|r| r.start() == '\n' && r.end() == '\n')
        }
        HirKind::Class(Class::Bytes(class)) => {
            let mut rest = class.clone();
            rest.negate();
            rest.ranges()
                .iter()
                .all(|r| r.start() == b'\n' && r.end() == b'\n')
        }
        _ => false,
    }
}

/// True when an unbounded repetition holds another one, such as `(a+)+`.
fn has_nested_repetition(hir: &Hir, inside_unbounded: bool) -> bool {
    match hir.kind() {
        HirKind::Repetition(rep) => {
            let unbounded = rep.max.is_none();
            (unbounded && inside_unbounded)
                || has_nested_repetition(&rep.sub, inside_unbounded || unbounded)
        }
        HirKind::Capture(c) => has_nested_repetition(&c.sub, inside_unbounded),
        HirKind::Concat(items) | HirKind::Alternation(items) => items
            .iter()
            .any(|h| has_nested_repetition(h, inside_unbounded)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(p: &str) -> Vec<&'static str> {
        problems(p, true).into_iter().map(|p| p.code).collect()
    }

    #[test]
    fn dot_star_at_either_end() {
        assert_eq!(codes(".*forward"), ["L001"]);
        assert_eq!(codes("^.*forward"), ["L001"]);
        assert_eq!(codes("forward(.*)$"), ["L001"]);
        assert!(codes("forward.*ing").is_empty());
        assert!(codes("forward.+").is_empty());
        assert!(codes(".*").is_empty());
    }

    #[test]
    fn nesting() {
        assert_eq!(codes("(a+)+b"), ["L002"]);
        assert_eq!(codes(r"(\w+\s?)*x"), ["L002"]);
        assert!(codes(r"(ab){2,5}c+").is_empty());
        assert!(codes(r"(\w+)?x").is_empty());
    }

    #[test]
    fn size() {
        assert_eq!(codes(r"\w{10}"), ["L003"]);
        assert!(codes(r"\w+").is_empty());
        // Too big to load at all: R033 says so, not L003 as well.
        assert!(codes(r"\w{60}").is_empty());
        assert!(codes(r"^[0-9][A-E][0-9]{3}").is_empty());
    }

    #[test]
    fn reach_of_patterns() {
        assert_eq!(reach("x?", true), Reach::Everything);
        assert_eq!(reach("^$", true), Reach::Some);
        assert_eq!(reach("[^\\s\\S]", true), Reach::Nothing);
        assert_eq!(reach("cargo", true), Reach::Some);
    }
}
