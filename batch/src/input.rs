//! Streamed input: CSV (a header of snake_case field names, nested fields dotted, plus
//! `region`) and JSON Lines (one mapping per line). Each yields numbered rows, one at a
//! time; a row that cannot be read is reported with its number, the rest go on.

use crate::error::{BatchError, RowProblem};
use serde_json::{Map, Value};
use std::io::{BufRead, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// The longest row read, in bytes: a longer one is refused (a file that is not row data,
/// or one row's worth of attack).
pub const MAX_ROW_BYTES: usize = 64 * 1024;

/// One numbered row, or why it could not be read.
pub(crate) type NumberedRow = (u64, Result<Value, RowProblem>);

/// The input formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated, first line the header.
    Csv,
    /// One JSON mapping per line.
    JsonLines,
}

impl Format {
    /// The format a file name's extension says: `.csv`, or `.jsonl` / `.ndjson`.
    pub fn from_path(path: &std::path::Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "jsonl" | "ndjson" => Some(Format::JsonLines),
            _ => None,
        }
    }
}

/// Rows of a CSV file, read one record at a time.
pub(crate) struct CsvRows<R: Read> {
    records: csv::ByteRecordsIntoIter<Bounded<R>>,
    columns: Vec<Vec<String>>,
    number: u64,
    /// Where the reader stops: `READ_AHEAD` past the end of the last record.
    limit: Arc<AtomicU64>,
}

/// How far past the last record the CSV reader may read: its buffer and a longest row.
const READ_AHEAD: u64 = 2 * MAX_ROW_BYTES as u64;

/// A reader that fails once it is asked to read past a limit its owner moves along
/// (`CsvRows`, after each record): the CSV parser reads a record whole before its length
/// can be checked, and a file with no line end must not be read whole into memory.
pub(crate) struct Bounded<R> {
    inner: R,
    read: u64,
    limit: Arc<AtomicU64>,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let room = self.limit.load(Ordering::Relaxed).saturating_sub(self.read);
        if room == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("a row is longer than {MAX_ROW_BYTES} bytes"),
            ));
        }
        let take = buf.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..take])?;
        self.read += n as u64;
        Ok(n)
    }
}

impl<R: Read> CsvRows<R> {
    /// Reads and checks the header.
    pub(crate) fn new(reader: R, source_name: &str) -> Result<Self, BatchError> {
        let input = |message: String| BatchError::Input { source_name: source_name.to_owned(), message };
        let limit = Arc::new(AtomicU64::new(READ_AHEAD));
        let reader = Bounded { inner: reader, read: 0, limit: limit.clone() };
        let mut csv = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(reader);
        let header = csv.byte_headers().map_err(|e| input(format!("the header cannot be read: {e}")))?.clone();
        if header.is_empty() || (header.len() == 1 && header.as_slice().is_empty()) {
            return Err(input("the file is empty: the first line must be the header of field names".into()));
        }
        let mut columns: Vec<Vec<String>> = Vec::with_capacity(header.len());
        for (i, name) in header.iter().enumerate() {
            let name = std::str::from_utf8(name)
                .map_err(|_| input(format!("header column {} is not valid UTF-8", i + 1)))?
                .trim();
            let path: Vec<String> = name.split('.').map(str::to_owned).collect();
            if path.iter().any(String::is_empty) {
                return Err(input(format!("header column {} ({name:?}) is not a field name", i + 1)));
            }
            if let Some(other) = columns.iter().find(|c| c.starts_with(&path) || path.starts_with(c)) {
                return Err(input(format!("header columns {:?} and {name:?} name the same field", other.join("."))));
            }
            columns.push(path);
        }
        limit.store(csv.position().byte() + READ_AHEAD, Ordering::Relaxed);
        Ok(CsvRows { records: csv.into_byte_records(), columns, number: 0, limit })
    }

    fn mapping(&self, record: &csv::ByteRecord) -> Result<Value, RowProblem> {
        if record.len() != self.columns.len() {
            return Err(RowProblem::Unreadable(format!(
                "has {} fields, the header has {}",
                record.len(),
                self.columns.len()
            )));
        }
        if record.as_slice().len() > MAX_ROW_BYTES {
            return Err(RowProblem::Unreadable(format!("is longer than {MAX_ROW_BYTES} bytes")));
        }
        let mut root = Map::new();
        for (path, field) in self.columns.iter().zip(record.iter()) {
            let text = std::str::from_utf8(field).map_err(|e| {
                RowProblem::Unreadable(format!(
                    "column {} is not valid UTF-8 (byte {})",
                    path.join("."),
                    e.valid_up_to()
                ))
            })?;
            // An empty cell is an absent field.
            if !text.is_empty() {
                insert(&mut root, path, Value::String(text.to_owned()));
            }
        }
        Ok(Value::Object(root))
    }
}

/// Sets `path` (already checked: no column is a prefix of another) in nested mappings.
fn insert(root: &mut Map<String, Value>, path: &[String], value: Value) {
    let Some((last, parents)) = path.split_last() else { return };
    let mut map = root;
    for key in parents {
        let entry = map.entry(key.clone()).or_insert_with(|| Value::Object(Map::new()));
        let Value::Object(inner) = entry else { return };
        map = inner;
    }
    map.insert(last.clone(), value);
}

impl<R: Read> Iterator for CsvRows<R> {
    type Item = Result<NumberedRow, BatchError>;

    fn next(&mut self) -> Option<Self::Item> {
        let record = self.records.next()?;
        self.number += 1;
        self.limit.store(self.records.reader().position().byte() + READ_AHEAD, Ordering::Relaxed);
        Some(match record {
            Ok(record) => Ok((self.number, self.mapping(&record))),
            Err(e) if e.is_io_error() => {
                Err(BatchError::Input { source_name: "csv".into(), message: format!("row {}: {e}", self.number) })
            }
            Err(e) => Ok((self.number, Err(RowProblem::Unreadable(format!("not CSV: {e}"))))),
        })
    }
}

/// Rows of a JSON Lines file: row number = line number.
pub(crate) struct JsonLines<R: BufRead> {
    reader: R,
    number: u64,
    buffer: Vec<u8>,
}

impl<R: BufRead> JsonLines<R> {
    pub(crate) fn new(reader: R) -> Self {
        JsonLines { reader, number: 0, buffer: Vec::new() }
    }

    /// Reads one line of at most `MAX_ROW_BYTES`; `Ok(None)` at the end. A longer line
    /// is skipped to its end and reported.
    fn line(&mut self) -> std::io::Result<Option<Result<(), RowProblem>>> {
        self.buffer.clear();
        let limit = (MAX_ROW_BYTES + 1) as u64;
        let n = (&mut self.reader).take(limit).read_until(b'\n', &mut self.buffer)?;
        if n == 0 {
            return Ok(None);
        }
        if self.buffer.last() != Some(&b'\n') && self.buffer.len() > MAX_ROW_BYTES {
            // Drop the rest of the line without holding it.
            let mut rest = Vec::new();
            while (&mut self.reader).take(limit).read_until(b'\n', &mut rest)? > 0 {
                if rest.last() == Some(&b'\n') {
                    break;
                }
                rest.clear();
            }
            return Ok(Some(Err(RowProblem::Unreadable(format!("is longer than {MAX_ROW_BYTES} bytes")))));
        }
        Ok(Some(Ok(())))
    }

    fn mapping(&self) -> Result<Value, RowProblem> {
        let text = std::str::from_utf8(&self.buffer)
            .map_err(|e| RowProblem::Unreadable(format!("is not valid UTF-8 (byte {})", e.valid_up_to())))?;
        let text = text.trim();
        if text.is_empty() {
            return Err(RowProblem::Unreadable("is empty: every line must be one JSON mapping".into()));
        }
        serde_json::from_str(text).map_err(|e| RowProblem::Unreadable(format!("is not JSON: {e}")))
    }
}

impl<R: BufRead> Iterator for JsonLines<R> {
    type Item = Result<NumberedRow, BatchError>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.line() {
            Ok(None) => None,
            Ok(Some(read)) => {
                self.number += 1;
                Some(Ok((self.number, read.and_then(|()| self.mapping()))))
            }
            Err(e) => Some(Err(BatchError::Input { source_name: "json lines".into(), message: e.to_string() })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn csv_rows(text: &[u8]) -> Result<Vec<NumberedRow>, BatchError> {
        CsvRows::new(text, "t.csv")?.collect()
    }

    #[test]
    fn csv_nests_dotted_columns_and_leaves_empty_cells_out() {
        let rows = csv_rows(b"region,order_no,receiver.id_type,receiver.name\nPEN,A1,NID,\n").expect("reads");
        assert_eq!(rows, vec![(1, Ok(json!({"region": "PEN", "order_no": "A1", "receiver": {"id_type": "NID"}})))]);
    }

    #[test]
    fn csv_refuses_bad_headers_and_reports_bad_rows() {
        for (text, says) in [
            (&b""[..], "empty"),
            (b"region,receiver,receiver.name\n", "name the same field"),
            (b"region,,amount\n", "not a field name"),
            (b"\xff\xfe\n", "UTF-8"),
        ] {
            let e = csv_rows(text).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(e.contains(says), "{text:?}: {e}");
        }
        let rows = csv_rows(b"region,amount\nIDR\nIDR,\xff1\n").expect("reads");
        assert!(matches!(&rows[0], (1, Err(RowProblem::Unreadable(m))) if m.contains("1 fields, the header has 2")));
        assert!(matches!(&rows[1], (2, Err(RowProblem::Unreadable(m))) if m.contains("amount is not valid UTF-8")));
    }

    /// Endless bytes without a line end, failing the test once more than `most` are read.
    struct Endless {
        given: usize,
        most: usize,
    }

    impl Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            assert!(self.given <= self.most, "read {} bytes for one row", self.given);
            buf.fill(b'x');
            self.given += buf.len();
            Ok(buf.len())
        }
    }

    #[test]
    fn a_csv_row_without_end_is_refused_after_a_bounded_read() {
        let most = 4 * MAX_ROW_BYTES;
        let header = b"region,amount\nIDR,".as_slice().chain(Endless { given: 0, most });
        let rows: Result<Vec<NumberedRow>, BatchError> = CsvRows::new(header, "t.csv").unwrap().collect();
        let e = rows.expect_err("no end to the row").to_string();
        assert!(e.contains("row 1: ") && e.contains(&format!("longer than {MAX_ROW_BYTES} bytes")), "{e}");
        let header = b"region,".as_slice().chain(Endless { given: 0, most });
        let e = CsvRows::new(header, "t.csv").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("the header cannot be read") && e.contains("longer than"), "{e}");
        // A quoted field of many short lines is one row too: just over the longest row,
        // refused on its own; twice as long, past the read-ahead, the input stops there.
        let lines = |n: usize| format!("region,amount\nIDR,\"{}\"\nIDR,1\n", "x\n".repeat(n));
        let e = csv_rows(lines(MAX_ROW_BYTES).as_bytes()).expect_err("past the read-ahead").to_string();
        assert!(e.contains("row 1: a row is longer than"), "{e}");
        let rows = csv_rows(lines(MAX_ROW_BYTES / 2 + 8).as_bytes()).expect("read: within the read-ahead");
        assert!(matches!(&rows[0], (1, Err(RowProblem::Unreadable(m))) if m.contains("longer than")));
        assert_eq!(rows[1], (2, Ok(json!({"region": "IDR", "amount": "1"}))));
    }

    #[test]
    fn json_lines_number_lines_and_bound_their_length() {
        let long = format!("{{\"a\": \"{}\"}}", "x".repeat(MAX_ROW_BYTES));
        let text = format!("{{\"region\": \"IDR\"}}\n\n{long}\n[1\n\u{0}\n{{\"b\": 1}}");
        let mut bytes = text.into_bytes();
        bytes.extend_from_slice(b"\n\"\xff\"\n");
        let rows: Vec<NumberedRow> = JsonLines::new(&bytes[..]).collect::<Result<_, _>>().expect("reads");
        let numbers: Vec<u64> = rows.iter().map(|r| r.0).collect();
        assert_eq!(numbers, [1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(rows[0].1, Ok(json!({"region": "IDR"})));
        let problem = |i: usize| rows[i].1.clone().err().map(|p| p.to_string()).unwrap_or_default();
        assert!(problem(1).contains("empty"));
        assert!(problem(2).contains("longer than"));
        assert!(problem(3).contains("not JSON"));
        assert!(problem(4).contains("not JSON"));
        assert_eq!(rows[5].1, Ok(json!({"b": 1})));
        assert!(problem(6).contains("UTF-8"));
    }
}
