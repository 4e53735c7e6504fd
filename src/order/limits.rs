//! The bounds every order reader keeps, and the bounded line reader that JSON Lines and CSV
//! share.
//!
//! A bound that is reached never clears anything: a record over one is an error record
//! (`O116`) and reading goes on with the next record; an input over one is an input error
//! (`I005`, exit status 2). `docs/orders.md` lists every bound and what happens at it.

use std::io::{self, BufRead};

/// The longest line read: one JSON Lines record, one CSV row, the CSV header row. It counts
/// the line break. A longer line is not kept in memory: its first `MAX_LINE_BYTES` bytes are,
/// and the rest is read past and counted.
pub const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

/// The largest JSON document (`.json`, read whole before its first record is judged).
pub const MAX_DOCUMENT_BYTES: u64 = 256 * 1024 * 1024;

/// The deepest nesting of arrays and objects in a JSON record, the record's own object
/// counting as one. This is serde_json's recursion limit (it refuses the 128th level), stated
/// here so the documentation and the tests can name it.
pub const MAX_NESTING: usize = 127;

/// The most members one list of an order may have (`items`, `consignees`, `route`, a party's
/// `ids`, an item's `restrictions`, a `;`-separated cell), and the most CSV rows one order may
/// have.
pub const MAX_LIST_MEMBERS: usize = 10_000;

/// The most segments a CSV header path (or a map file's target) may have.
pub const MAX_PATH_SEGMENTS: usize = 32;

/// What [`read_line`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Line {
    /// The input has ended; nothing was read.
    End,
    /// A whole line is in the buffer, with its line break if it had one.
    Whole,
    /// The line is longer than the limit: the buffer holds its first `limit` bytes; `bytes`
    /// is its whole length.
    TooLong {
        /// The length of the whole line, line break included.
        bytes: u64,
    },
}

/// Reads one line (through its `\n`) into `buf`, keeping at most `limit` bytes of it; the
/// rest of a longer line is consumed and counted but not kept, so one huge line cannot take
/// the memory of the machine. (`BufRead::read_until` has no bound.)
pub(crate) fn read_line<R: BufRead>(
    reader: &mut R,
    buf: &mut Vec<u8>,
    limit: usize,
) -> io::Result<Line> {
    buf.clear();
    let mut total: u64 = 0;
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        if available.is_empty() {
            break;
        }
        let (take, ends) = match memchr::memchr(b'\n', available) {
            Some(at) => (at + 1, true),
            None => (available.len(), false),
        };
        let room = limit.saturating_sub(buf.len());
        buf.extend_from_slice(&available[..take.min(room)]);
        total = total.saturating_add(take as u64);
        reader.consume(take);
        if ends {
            break;
        }
    }
    Ok(if total == 0 {
        Line::End
    } else if total > limit as u64 {
        Line::TooLong { bytes: total }
    } else {
        Line::Whole
    })
}

/// A size in words for messages: `16 MiB`, `2.5 MiB`, `900 bytes`.
pub(crate) fn size_text(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes < MIB {
        return format!("{bytes} bytes");
    }
    let tenths = bytes.saturating_mul(10) / MIB;
    if tenths.is_multiple_of(10) {
        format!("{} MiB", tenths / 10)
    } else {
        format!("{}.{} MiB", tenths / 10, tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufReader, Cursor};

    #[test]
    fn long_lines_are_counted_not_kept() -> io::Result<()> {
        let text = b"short\n0123456789abcdef\nlast".to_vec();
        let mut reader = BufReader::with_capacity(4, Cursor::new(text));
        let mut buf = Vec::new();
        assert_eq!(read_line(&mut reader, &mut buf, 8)?, Line::Whole);
        assert_eq!(buf, b"short\n");
        assert_eq!(
            read_line(&mut reader, &mut buf, 8)?,
            Line::TooLong { bytes: 17 }
        );
        assert_eq!(buf, b"01234567");
        assert_eq!(read_line(&mut reader, &mut buf, 8)?, Line::Whole);
        assert_eq!(buf, b"last");
        assert_eq!(read_line(&mut reader, &mut buf, 8)?, Line::End);
        Ok(())
    }

    #[test]
    fn sizes_read_as_words() {
        assert_eq!(size_text(900), "900 bytes");
        assert_eq!(size_text(16 * 1024 * 1024), "16 MiB");
        assert_eq!(size_text(16 * 1024 * 1024 + 600_000), "16.5 MiB");
    }
}
