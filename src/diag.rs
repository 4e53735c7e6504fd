//! Problems with inputs (rule packs, lists, rates, command-line values).
//!
//! A [`Diagnostic`] has a stable code, a lowercase one-sentence message, an
//! optional span into a named source and a help line. Validation pushes every
//! problem it finds into a [`Diagnostics`] accumulator instead of returning at
//! the first one, so a user sees all of them at once. Findings about orders
//! are not diagnostics; they live in `findings`.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use miette::{LabeledSpan, NamedSource, SourceCode};

use crate::report::escape::{visible, visible_lines, OffsetMap};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// The pack still loads; `--deny warnings` turns it into an error.
    Warning,
    /// The pack is rejected; nothing is evaluated.
    Error,
}

/// One file of an input, shared by every diagnostic that points into it.
#[derive(Debug, Clone)]
pub struct SourceFile {
    name: Arc<str>,
    text: Arc<str>,
}

impl SourceFile {
    /// A file with its display name (a path relative to the pack) and text.
    pub fn new(name: impl Into<Arc<str>>, text: impl Into<Arc<str>>) -> SourceFile {
        SourceFile {
            name: name.into(),
            text: text.into(),
        }
    }

    /// The display name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let clamped = offset.min(self.text.len());
        let before = &self.text[..clamped];
        let line = before.matches('\n').count() + 1;
        let col = before
            .rfind('\n')
            .map(|nl| before[nl + 1..].chars().count())
            .unwrap_or_else(|| before.chars().count())
            + 1;
        (line, col)
    }

    /// From the start of `span` to the end of that line: where a label
    /// points at a table as a whole rather than at all its lines.
    pub fn head(&self, span: &Range<usize>) -> Range<usize> {
        let end = self
            .text
            .get(span.start..)
            .and_then(|rest| rest.find('\n'))
            .map_or(span.end, |n| span.start + n);
        span.start..end.max(span.start)
    }

    /// The byte range of 1-based line `line` (without its line break).
    pub fn line_span(&self, line: usize) -> Range<usize> {
        let mut start = 0;
        for (i, text) in self.text.split_inclusive('\n').enumerate() {
            if i + 1 == line {
                let trimmed = text.trim_end_matches(['\n', '\r']);
                return start..start + trimmed.len();
            }
            start += text.len();
        }
        self.text.len()..self.text.len()
    }
}

/// One problem with an input.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    code: &'static str,
    level: Level,
    message: String,
    file: Option<SourceFile>,
    span: Option<Range<usize>>,
    label: Option<String>,
    help: Option<String>,
}

impl Diagnostic {
    /// An error with a stable code and a message (lowercase, one sentence,
    /// user values in backticks).
    pub fn error(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            level: Level::Error,
            message: message.into(),
            file: None,
            span: None,
            label: None,
            help: None,
        }
    }

    /// A warning with a stable code and a message.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            level: Level::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    /// Points the diagnostic at a span of a file, with a label under it.
    pub fn at(mut self, file: &SourceFile, span: Range<usize>, label: impl Into<String>) -> Self {
        self.file = Some(file.clone());
        self.span = Some(span);
        self.label = Some(label.into());
        self
    }

    /// Names the file without a span (for problems with a whole file).
    pub fn in_file(mut self, file: &SourceFile) -> Self {
        self.file = Some(file.clone());
        self
    }

    /// Adds a help line; `None` leaves it out.
    pub fn with_help(mut self, help: impl Into<Option<String>>) -> Self {
        self.help = help.into();
        self
    }

    /// The stable code, such as `R012`.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// Error or warning.
    pub fn level(&self) -> Level {
        self.level
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The byte range the diagnostic points at, if any.
    pub fn span(&self) -> Option<Range<usize>> {
        self.span.clone()
    }

    /// The label under the span, if any.
    pub fn label(&self) -> Option<&str> {
        self.label.as_deref()
    }

    /// The help line, if any.
    pub fn help(&self) -> Option<&str> {
        self.help.as_deref()
    }

    /// The file's display name, if the diagnostic points into a file.
    pub fn file_name(&self) -> Option<&str> {
        self.file.as_ref().map(|f| f.name())
    }

    /// The 1-based line and column of the span's start, if any.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        match (&self.file, &self.span) {
            (Some(file), Some(span)) => Some(file.line_col(span.start)),
            _ => None,
        }
    }

    /// The text under the span, if any: what tests assert instead of offsets.
    pub fn spanned_text(&self) -> Option<&str> {
        match (&self.file, &self.span) {
            (Some(file), Some(span)) => file.text().get(span.clone()),
            _ => None,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diagnostic {}

impl miette::Diagnostic for Diagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.level {
            Level::Error => miette::Severity::Error,
            Level::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.file.as_ref().map(|f| &f.text as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span.clone()?;
        let label = LabeledSpan::new_primary_with_span(self.label.clone(), span);
        Some(Box::new(std::iter::once(label)))
    }
}

/// A diagnostic as miette's renderer shows it, with its file name (miette only shows one when
/// the source is a [`NamedSource`]) and every text made visible: message, help, label, file
/// name and the quoted lines of the file. Diagnostics quote data (list rows, CSV headers, file
/// names, order values), and written raw to a terminal an ESC, a carriage return or a
/// bidirectional override in them would act on it; see [`crate::report::escape`]. The quoted
/// file keeps its line breaks and tabs, and the span is moved to match the escaped text.
#[derive(Debug)]
pub struct Rendered {
    message: String,
    code: Option<String>,
    severity: Option<miette::Severity>,
    help: Option<String>,
    source: Option<NamedSource<Arc<str>>>,
    labels: Vec<LabeledSpan>,
}

/// A file's text made visible line by line, and where its byte offsets went.
fn visible_source(text: &str) -> (Arc<str>, OffsetMap) {
    (
        Arc::from(visible_lines(text).as_ref()),
        OffsetMap::for_lines(text),
    )
}

/// A label moved onto the escaped text, its words made visible.
fn moved_label(label: &LabeledSpan, offsets: &OffsetMap) -> LabeledSpan {
    let start = offsets.map(label.offset());
    let end = offsets.map(label.offset().saturating_add(label.len()));
    let text = label.label().map(|l| visible(l).into_owned());
    if label.primary() {
        LabeledSpan::new_primary_with_span(text, start..end.max(start))
    } else {
        LabeledSpan::new_with_span(text, start..end.max(start))
    }
}

impl Rendered {
    /// Prepares one of redflag's own diagnostics for rendering.
    pub fn new(inner: Diagnostic) -> Rendered {
        let message = match (&inner.file, &inner.span) {
            (Some(file), None) => format!("{}: {}", file.name(), inner.message),
            _ => inner.message.clone(),
        };
        let mut labels = Vec::new();
        let source = inner.file.as_ref().map(|f| {
            let (text, offsets) = visible_source(&f.text);
            if let Some(span) = &inner.span {
                labels.push(moved_label(
                    &LabeledSpan::new_primary_with_span(inner.label.clone(), span.clone()),
                    &offsets,
                ));
            }
            NamedSource::new(visible(&f.name), text).with_language("toml")
        });
        Rendered {
            message: visible(&message).into_owned(),
            code: Some(inner.code.to_string()),
            severity: miette::Diagnostic::severity(&inner),
            help: inner.help.as_deref().map(|h| visible(h).into_owned()),
            source,
            labels,
        }
    }

    /// Prepares any miette diagnostic (an input that cannot be opened, say) for rendering the
    /// same way: every text made visible, the quoted file too. Its causes, if any, are added to
    /// the message; related diagnostics and URLs are left out.
    pub fn of(diagnostic: &dyn miette::Diagnostic) -> Rendered {
        let mut message = diagnostic.to_string();
        let mut cause = std::error::Error::source(diagnostic);
        while let Some(c) = cause {
            message.push_str(&format!(": {c}"));
            cause = c.source();
        }
        let mut labels = Vec::new();
        let mut source = None;
        let spans: Vec<LabeledSpan> = diagnostic
            .labels()
            .map(Iterator::collect)
            .unwrap_or_default();
        if let (Some(code), false) = (diagnostic.source_code(), spans.is_empty()) {
            // The whole text: from offset 0, with every line after it as context.
            let whole = code.read_span(&miette::SourceSpan::from((0, 0)), 0, usize::MAX);
            if let Ok(contents) = whole {
                let text = String::from_utf8_lossy(contents.data());
                let (text, offsets) = visible_source(&text);
                labels = spans.iter().map(|l| moved_label(l, &offsets)).collect();
                let name = contents
                    .name()
                    .map(|n| visible(n).into_owned())
                    .unwrap_or_default();
                let mut named = NamedSource::new(name, text);
                if let Some(language) = contents.language() {
                    named = named.with_language(language);
                }
                source = Some(named);
            }
        }
        Rendered {
            message: visible(&message).into_owned(),
            code: diagnostic
                .code()
                .map(|c| visible(&c.to_string()).into_owned()),
            severity: diagnostic.severity(),
            help: diagnostic
                .help()
                .map(|h| visible(&h.to_string()).into_owned()),
            source,
            labels,
        }
    }
}

impl fmt::Display for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Rendered {}

impl miette::Diagnostic for Rendered {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        self.severity
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().cloned()))
    }
}

/// The accumulator every loader and validator pushes into.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty accumulator.
    pub fn new() -> Diagnostics {
        Diagnostics::default()
    }

    /// Records a problem.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// True when at least one problem is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.level == Level::Error)
    }

    /// Every problem, in the order found.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Number of problems.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Moves all problems of `other` into this one.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// Errors before warnings, each in their present order: the problems that stop a pack
    /// come first in a long report.
    pub fn errors_first(mut self) -> Diagnostics {
        self.items.sort_by_key(|d| d.level() != Level::Error);
        self
    }

    /// Only the errors.
    pub fn errors_only(self) -> Diagnostics {
        Diagnostics {
            items: self
                .items
                .into_iter()
                .filter(|d| d.level() == Level::Error)
                .collect(),
        }
    }

    /// Sorts problems by file, position and code so output is stable whatever
    /// order files were visited in.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            let key = |d: &Diagnostic| {
                (
                    d.file.as_ref().map(|f| f.name.to_string()),
                    d.span.as_ref().map(|s| s.start),
                    d.code,
                )
            };
            key(a).cmp(&key(b))
        });
    }

    /// Takes the problems out.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }
}

/// The closest candidate to `word` by edit distance, if close enough to be a
/// plausible typo. Written here rather than pulling a crate for ten lines.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (levenshtein(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

/// Up to `n` candidates close enough to `word` to be plausible typos,
/// closest first (ties by text), for "close ids: ..." help lines.
pub fn nearest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    n: usize,
) -> Vec<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    let mut close: Vec<(usize, &str)> = candidates
        .into_iter()
        .map(|c| (levenshtein(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .collect();
    close.sort();
    close.dedup();
    close.into_iter().take(n).map(|(_, c)| c).collect()
}

/// Formats a did-you-mean help line, if there is a close candidate.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    did_you_mean(word, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// Edit distance, ignoring case: `Country` is a typo of `country`, not a
/// different word.
fn levenshtein(a: &str, b: &str) -> usize {
    strsim::levenshtein(&a.to_lowercase(), &b.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("Country", "country"), 0);
        assert_eq!(levenshtein("", "abc"), 3);
    }
}
