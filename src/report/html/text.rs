//! Escaping and markup helpers shared by every part of the HTML report.

use std::borrow::Cow;

use crate::report::escape::visible;

/// Escapes text for HTML text and quoted attribute values alike: `&`, `<`,
/// `>`, `"` and `'`. Every value in this report sits in one of those two
/// places (never in a script, style or unquoted attribute). Controls, bidirectional and
/// invisible characters are first made visible as `\u{HEX}` (see [`crate::report::escape`]), as in
/// every other format for people, so a name cannot reorder or hide the text around it.
pub fn esc(text: &str) -> Cow<'_, str> {
    match visible(text) {
        Cow::Borrowed(text) => html_escape::encode_quoted_attribute(text),
        Cow::Owned(text) => Cow::Owned(html_escape::encode_quoted_attribute(&text).into_owned()),
    }
}

/// Escaped text in a `<bdi>`: its direction is isolated from the text around it, so a
/// right-to-left name (with no control character at all) cannot reorder the verdict, the
/// order id or the words next to it.
pub(crate) fn bdi(text: &str) -> String {
    format!("<bdi>{}</bdi>", esc(text))
}

/// Escapes text, then shows spans in backticks (how messages quote values)
/// as code. Escaping first means no markup can come from the text itself.
pub(crate) fn esc_code(text: &str) -> String {
    let escaped = esc(text);
    let parts: Vec<&str> = escaped.split('`').collect();
    if parts.len() < 3 {
        return escaped.into_owned();
    }
    let mut html = String::with_capacity(escaped.len() + 16);
    for (i, part) in parts.iter().enumerate() {
        // An unpaired last backtick stays a backtick.
        if i % 2 == 1 && i == parts.len() - 1 {
            html.push('`');
            html.push_str(part);
        } else if i % 2 == 1 {
            html.push_str("<code>");
            html.push_str(part);
            html.push_str("</code>");
        } else {
            html.push_str(part);
        }
    }
    html
}

/// A link for `http(s)` URLs only; anything else (a `javascript:` URL in a
/// rule file, say) is shown as text.
pub(crate) fn link(url: &str, label: &str) -> String {
    match crate::report::web_url(url) {
        Some(url) => format!(
            "<a href=\"{}\" rel=\"noopener noreferrer\">{}</a>",
            esc(url),
            esc(label)
        ),
        None => format!("{} &lt;{}&gt;", esc(label), esc(url)),
    }
}
