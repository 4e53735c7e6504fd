//! One CSV row from one physical line.
//!
//! The csv crate lets a quoted cell run over line breaks, so one unbalanced quote swallows
//! every later row into a single cell and the orders after it never appear. Rows are read
//! here one line at a time instead (csv-core parses the cells of each), so a quote that is
//! never closed spoils its own line only: that row is an error, and the next line is read
//! afresh. The price is that a cell cannot hold a line break, which order exports do not need.

/// How one line parsed.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Parsed {
    /// Every cell of the line.
    Whole,
    /// A quote opened in cell `cell` (0-based) is never closed; the cells before it are read.
    Unclosed { cell: usize },
}

/// `line` without the byte-order marks at its start: they carry no data, and exports joined
/// file to file leave one per part.
pub(crate) fn without_marks(mut line: &[u8]) -> &[u8] {
    while let Some(rest) = line.strip_prefix(b"\xef\xbb\xbf") {
        line = rest;
    }
    line
}

/// The cell separator of a CSV file, read off its header row: a comma, unless the header
/// holds no comma outside quotes and does hold semicolons or tabs, then the more frequent of
/// those (a semicolon on a tie). Excel and the ERPs of countries that write a decimal comma
/// save "CSV" with semicolons, and such a file was refused: its one header, the whole row,
/// was no order path. A header of order paths never holds a comma or a semicolon itself, so
/// the header tells which it is.
pub(crate) fn delimiter_of(header: &[u8]) -> u8 {
    let (mut quoted, mut commas, mut semicolons, mut tabs) = (false, 0usize, 0usize, 0usize);
    for &byte in header {
        match byte {
            b'"' => quoted = !quoted,
            b',' if !quoted => commas += 1,
            b';' if !quoted => semicolons += 1,
            b'\t' if !quoted => tabs += 1,
            _ => {}
        }
    }
    if commas > 0 || (semicolons == 0 && tabs == 0) {
        b','
    } else if tabs > semicolons {
        b'\t'
    } else {
        b';'
    }
}

/// Parses lines into cells, reusing its buffers from line to line.
pub(crate) struct LineParser {
    core: csv_core::Reader,
    delimiter: u8,
    input: Vec<u8>,
    output: Vec<u8>,
    ends: Vec<usize>,
    fields: usize,
}

impl LineParser {
    /// A parser of comma-separated lines.
    pub(crate) fn new() -> LineParser {
        LineParser::with_delimiter(b',')
    }

    /// A parser of lines whose cells are separated by `delimiter` ([`delimiter_of`]).
    pub(crate) fn with_delimiter(delimiter: u8) -> LineParser {
        LineParser {
            // Only `\n` ends a row: a lone `\r` inside a line is text, not a row break.
            core: csv_core::ReaderBuilder::new()
                .delimiter(delimiter)
                .terminator(csv_core::Terminator::Any(b'\n'))
                .build(),
            delimiter,
            input: Vec::new(),
            output: Vec::new(),
            ends: Vec::new(),
            fields: 0,
        }
    }

    /// Parses `line` (with or without its `\n` or `\r\n`). After it, [`LineParser::cells`]
    /// gives the cells read.
    pub(crate) fn parse(&mut self, line: &[u8]) -> Parsed {
        let body = line.strip_suffix(b"\n").unwrap_or(line);
        let body = body.strip_suffix(b"\r").unwrap_or(body);
        // csv-core takes off one mark and then reads a line of marks as a quote never closed,
        // and leaves a second mark in the first cell.
        let body = without_marks(body);
        self.input.clear();
        self.input.extend_from_slice(body);
        self.input.push(b'\n');
        // A cell is never longer than the line, and there is at most one more cell than
        // there are separators: buffers this size cannot fill up.
        self.output.resize(self.input.len(), 0);
        let separators = self.input.iter().filter(|b| **b == self.delimiter).count();
        self.ends.resize(separators + 2, 0);
        self.core.reset();
        let (result, _, _, fields) =
            self.core
                .read_record(&self.input, &mut self.output, &mut self.ends);
        self.fields = fields;
        match result {
            csv_core::ReadRecordResult::Record => Parsed::Whole,
            // The line break went into a quoted cell: the quote never closed.
            _ => Parsed::Unclosed { cell: fields },
        }
    }

    /// The cells read by the last [`LineParser::parse`], as bytes.
    pub(crate) fn cells(&self) -> impl Iterator<Item = &[u8]> + '_ {
        (0..self.fields).map(move |i| {
            let start = if i == 0 { 0 } else { self.ends[i - 1] };
            &self.output[start..self.ends[i]]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(parser: &LineParser) -> Vec<String> {
        parser
            .cells()
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect()
    }

    #[test]
    fn the_separator_is_read_off_the_header() {
        assert_eq!(delimiter_of(b"id,date,buyer.name"), b',');
        assert_eq!(delimiter_of(b"id;date;buyer.name"), b';');
        assert_eq!(delimiter_of(b"id\tdate\tbuyer.name"), b'\t');
        // A comma anywhere outside quotes keeps the comma.
        assert_eq!(delimiter_of(b"id,date;x"), b',');
        // Separators inside quotes do not count.
        assert_eq!(delimiter_of(b"\"a,b\";c;d"), b';');
        assert_eq!(delimiter_of(b"id"), b',');
        assert_eq!(delimiter_of(b"a;b\tc"), b';');
        let mut parser = LineParser::with_delimiter(b';');
        assert_eq!(
            parser.parse(b"SO-1;\"Weserland; GmbH\";DE\r\n"),
            Parsed::Whole
        );
        assert_eq!(cells(&parser), ["SO-1", "Weserland; GmbH", "DE"]);
    }

    #[test]
    fn each_line_stands_alone() {
        let mut parser = LineParser::new();
        assert_eq!(parser.parse(b"a,\"b,c\",d\r\n"), Parsed::Whole);
        assert_eq!(cells(&parser), ["a", "b,c", "d"]);
        assert_eq!(parser.parse(b"SO-1,\"Acme, 12\" pipe,x\n"), Parsed::Whole);
        assert_eq!(cells(&parser), ["SO-1", "Acme, 12 pipe", "x"]);
        assert_eq!(
            parser.parse(b"SO-1,\"Acme 12 pipe,x\n"),
            Parsed::Unclosed { cell: 1 }
        );
        assert_eq!(cells(&parser), ["SO-1"]);
        // The broken quote does not carry over to the next line.
        assert_eq!(
            parser.parse(b"SO-2,plain 12\" pipe,\"\"\"q\"\"\""),
            Parsed::Whole
        );
        assert_eq!(cells(&parser), ["SO-2", "plain 12\" pipe", "\"q\""]);
        assert_eq!(parser.parse(b"x,y\rz"), Parsed::Whole);
        assert_eq!(cells(&parser), ["x", "y\rz"]);
    }
}
