//! Inputs whose lines end in a carriage return alone: Excel for Mac's "Macintosh Comma
//! Separated" export and files from classic Mac OS systems. Read as `\n`-ended lines, such a
//! file is one line, its header swallowing every row (`I002` over a header of hundreds of
//! columns); read with each `\r` as the line break it is, it is an ordinary export. Told by
//! the input's first line break alone, so a lone `\r` inside a line of a `\n`-ended file stays
//! text, as `docs/orders.md` says.

use std::io::{BufRead, BufReader, Read};

use super::input::{io_reason, InputError};
use super::limits::MAX_LINE_BYTES;

/// An input as its lines are read: most as they are, with no layer between the reader and
/// its caller (every line of every order passes through here, statically dispatched).
pub(super) enum Lines<R> {
    /// The input as it is.
    AsIs(R),
    /// The bytes read to tell, then the rest as it is.
    Prefixed(std::io::Chain<std::io::Cursor<Vec<u8>>, R>),
    /// Every `\r` read as `\n`.
    EndedByCr(BufReader<CrAsLf<std::io::Chain<std::io::Cursor<Vec<u8>>, R>>>),
}

impl<R: BufRead> Read for Lines<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Lines::AsIs(r) => r.read(buf),
            Lines::Prefixed(r) => r.read(buf),
            Lines::EndedByCr(r) => r.read(buf),
        }
    }
}

impl<R: BufRead> BufRead for Lines<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        match self {
            Lines::AsIs(r) => r.fill_buf(),
            Lines::Prefixed(r) => r.fill_buf(),
            Lines::EndedByCr(r) => r.fill_buf(),
        }
    }

    fn consume(&mut self, amount: usize) {
        match self {
            Lines::AsIs(r) => r.consume(amount),
            Lines::Prefixed(r) => r.consume(amount),
            Lines::EndedByCr(r) => r.consume(amount),
        }
    }
}

/// The lines of a JSON Lines or CSV input `name`, which may end in `\r` alone.
pub(super) fn lines_ended_by_cr<R: BufRead>(reader: R, name: &str) -> Result<Lines<R>, InputError> {
    with_lines_ended_by_cr(reader).map_err(|error| InputError::Open {
        file: name.to_string(),
        reason: io_reason(&error),
    })
}

/// `reader` as it is, or with each `\r` read as `\n` when its first line break is a lone `\r`
/// (one not followed by `\n`, nor at the very end). The bytes read to tell are handed back in
/// front of the rest, so nothing is lost; whatever the caller's buffer, the same bytes decide,
/// so `check` and `serve` read an input alike. Only the first [`MAX_LINE_BYTES`] are looked
/// at: a first line longer than that is one record over the limit (`O116`) either way.
fn with_lines_ended_by_cr<R: BufRead>(mut reader: R) -> std::io::Result<Lines<R>> {
    let mut seen: Vec<u8> = Vec::new();
    let ends_in_lone_cr = loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            // A `\r` that ends the input ends no line of its own.
            break false;
        }
        if seen.last() == Some(&b'\r') {
            break buf[0] != b'\n';
        }
        let (take, decided) = match buf.iter().position(|&b| b == b'\r' || b == b'\n') {
            // A break past the line limit ends a line that is one record over it anyway.
            Some(at) if seen.len().saturating_add(at) >= MAX_LINE_BYTES => (0, Some(false)),
            Some(at) if buf[at] == b'\n' => (0, Some(false)),
            Some(at) => match buf.get(at + 1) {
                Some(&next) => (0, Some(next != b'\n')),
                // The block ends on the `\r`: the next one tells.
                None => (buf.len(), None),
            },
            None if seen.len().saturating_add(buf.len()) >= MAX_LINE_BYTES => (0, Some(false)),
            None => (buf.len(), None),
        };
        if let Some(decided) = decided {
            break decided;
        }
        seen.extend_from_slice(&buf[..take]);
        reader.consume(take);
    };
    Ok(if ends_in_lone_cr {
        Lines::EndedByCr(BufReader::new(CrAsLf(
            std::io::Cursor::new(seen).chain(reader),
        )))
    } else if seen.is_empty() {
        Lines::AsIs(reader)
    } else {
        Lines::Prefixed(std::io::Cursor::new(seen).chain(reader))
    })
}

/// Reads `\r` as `\n`: line numbers then count the file's own lines.
pub(super) struct CrAsLf<R>(R);

impl<R: Read> Read for CrAsLf<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.0.read(buf)?;
        for byte in buf.iter_mut().take(n) {
            if *byte == b'\r' {
                *byte = b'\n';
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::with_lines_ended_by_cr;
    use std::io::{BufReader, Cursor, Read};

    fn read(bytes: &[u8]) -> String {
        read_in_blocks(bytes, 8192)
    }

    /// As a reader whose buffer holds `block` bytes reads it.
    fn read_in_blocks(bytes: &[u8], block: usize) -> String {
        let mut out = String::new();
        let reader =
            with_lines_ended_by_cr(BufReader::with_capacity(block, Cursor::new(bytes.to_vec())));
        reader
            .and_then(|mut r| r.read_to_string(&mut out))
            .map_or_else(|e| e.to_string(), |_| out)
    }

    #[test]
    fn a_file_of_cr_ended_lines_is_read_as_lines() {
        assert_eq!(
            read(b"id,name\rSO-1,A\rSO-2,B\r"),
            "id,name\nSO-1,A\nSO-2,B\n"
        );
    }

    /// Whatever the buffer, the first break decides: one cut right after the `\r` of a
    /// `\r\n`, or of a lone `\r`, reads as one that holds the whole input.
    #[test]
    fn a_break_cut_between_two_blocks_is_read_whole() {
        for block in 1..12 {
            assert_eq!(
                read_in_blocks(b"id,name\r\nSO-1\r\n", block),
                "id,name\r\nSO-1\r\n"
            );
            assert_eq!(read_in_blocks(b"id,name\rSO-1\r", block), "id,name\nSO-1\n");
        }
    }

    #[test]
    fn other_files_are_read_as_they_are() {
        for bytes in [
            &b"id,name\r\nSO-1,A\r\n"[..],
            b"id,name\nSO-1,A\rstill text\n",
            b"id,name\r",
            b"no line break",
            b"",
        ] {
            assert_eq!(read(bytes).as_bytes(), bytes);
        }
    }
}
