//! A batch on a journal: adding rows (all validated before any is sendable) and reading
//! the report. Sending is in `runner.rs`.

use crate::error::{BatchError, RowError, RowProblem};
use crate::input::{CsvRows, Format, JsonLines, NumberedRow};
use crate::journal::{Journal, JournalRow, NewRow, Staged};
use crate::report::{Report, Totals, report_row};
use crate::row;
use serde_json::Value;
use smilepayz::{Case, PayoutRequest};
use std::path::Path;
use std::sync::Arc;

/// Rows staged per journal transaction while an input streams in.
const STAGE_CHUNK: usize = 500;
/// Rows read from the journal at a time by reports and totals.
const ROWS_PER_PAGE: usize = 1000;

/// The longest batch id: it names the batch in reports and derives orderNos.
const MAX_BATCH_ID: usize = 128;

/// How an add treats invalid rows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AddOptions {
    /// Journal the valid rows and report the invalid ones in the summary, instead of
    /// refusing the whole input.
    pub skip_invalid: bool,
}

/// What an add did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AddSummary {
    /// Rows journaled by this add (now pending).
    pub added: u64,
    /// Rows already journaled with the same content (a re-run of the same input).
    pub unchanged: u64,
    /// Rows refused and skipped (only with `skip_invalid`).
    pub skipped: Vec<RowError>,
}

fn check_batch_id(batch_id: &str) -> Result<(), BatchError> {
    let fine = |c: char| c.is_ascii_graphic();
    if batch_id.is_empty() || batch_id.len() > MAX_BATCH_ID || !batch_id.chars().all(fine) {
        return Err(BatchError::Config(format!(
            "a batch id must be 1 to {MAX_BATCH_ID} printable ASCII characters without spaces, got {batch_id:?}"
        )));
    }
    Ok(())
}

/// A batch of pay-outs kept in a journal.
#[derive(Debug)]
pub struct Batch<J: Journal> {
    pub(crate) journal: Arc<J>,
    pub(crate) batch_id: String,
}

impl<J: Journal> Batch<J> {
    /// Opens (creating when absent) the batch `batch_id` in `journal`.
    pub async fn open(journal: J, batch_id: &str) -> Result<Batch<J>, BatchError> {
        Self::open_shared(Arc::new(journal), batch_id).await
    }

    /// Like [`open`](Self::open), on a journal shared with other batches.
    pub async fn open_shared(journal: Arc<J>, batch_id: &str) -> Result<Batch<J>, BatchError> {
        check_batch_id(batch_id)?;
        journal.ensure_batch(batch_id).await?;
        Ok(Batch { journal, batch_id: batch_id.to_owned() })
    }

    /// Opens the batch `batch_id` only if `journal` holds it: for reading a report or
    /// resuming, where a mistyped id must not become a new, empty batch.
    pub async fn open_existing(journal: J, batch_id: &str) -> Result<Batch<J>, BatchError> {
        check_batch_id(batch_id)?;
        if !journal.has_batch(batch_id).await? {
            return Err(BatchError::Config(format!(
                "the journal holds no batch {batch_id:?} (a batch is created when it is first opened to add or run)"
            )));
        }
        Ok(Batch { journal: Arc::new(journal), batch_id: batch_id.to_owned() })
    }

    /// The batch id.
    pub fn id(&self) -> &str {
        &self.batch_id
    }

    /// The journal.
    pub fn journal(&self) -> &J {
        &self.journal
    }

    /// Adds rows from code: mappings as `PayoutRequest::from_json` reads them in
    /// snake_case (with `region`), numbered 1, 2, … in order. Every row is checked
    /// before any becomes sendable; see [`AddOptions`].
    pub async fn add(
        &self,
        rows: impl IntoIterator<Item = Value>,
        options: AddOptions,
    ) -> Result<AddSummary, BatchError> {
        self.add_in_case(rows, Case::Snake, options).await
    }

    /// [`add`](Self::add) for mappings whose keys are in `case` (Node hands camelCase);
    /// violations are named in that case, and rows are journaled in snake_case either way.
    pub async fn add_in_case(
        &self,
        rows: impl IntoIterator<Item = Value>,
        case: Case,
        options: AddOptions,
    ) -> Result<AddSummary, BatchError> {
        let numbered = rows.into_iter().zip(1..).map(|(value, n)| Ok((n, Ok(value))));
        self.add_rows(numbered, "rows", case, options).await
    }

    /// Adds typed requests, numbered 1, 2, … in order; each is journaled as the mapping
    /// `PayoutRequest::to_json` writes (an empty orderNo gets a derived one).
    pub async fn add_requests(
        &self,
        requests: impl IntoIterator<Item = PayoutRequest>,
        options: AddOptions,
    ) -> Result<AddSummary, BatchError> {
        self.add(requests.into_iter().map(|r| r.to_json(Case::Snake)), options).await
    }

    /// Adds the rows of a CSV (`.csv`) or JSON Lines (`.jsonl`, `.ndjson`) file, read
    /// as a stream.
    pub async fn add_file(&self, path: impl AsRef<Path>, options: AddOptions) -> Result<AddSummary, BatchError> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let input = |message: String| BatchError::Input { source_name: name.clone(), message };
        let format = Format::from_path(path)
            .ok_or_else(|| input("the file name must end in .csv, .jsonl or .ndjson (the format)".into()))?;
        let file = std::fs::File::open(path).map_err(|e| input(e.to_string()))?;
        let reader = std::io::BufReader::new(file);
        match format {
            Format::Csv => self.add_rows(CsvRows::new(reader, &name)?, &name, Case::Snake, options).await,
            Format::JsonLines => self.add_rows(JsonLines::new(reader), &name, Case::Snake, options).await,
        }
    }

    async fn add_rows(
        &self,
        rows: impl Iterator<Item = Result<NumberedRow, BatchError>>,
        source_name: &str,
        case: Case,
        options: AddOptions,
    ) -> Result<AddSummary, BatchError> {
        // Held until this add has published or discarded its rows.
        let _adding = self.journal.begin_add(&self.batch_id).await?;
        let outcome = self.stage_all(rows, source_name, case).await;
        let (mut summary, refused) = match outcome {
            Ok(found) => found,
            Err(e) => {
                self.journal.discard(&self.batch_id).await?;
                return Err(e);
            }
        };
        if !refused.is_empty() && !options.skip_invalid {
            self.journal.discard(&self.batch_id).await?;
            return Err(BatchError::InvalidRows(refused));
        }
        summary.added = self.journal.publish(&self.batch_id).await?;
        summary.skipped = refused;
        Ok(summary)
    }

    async fn stage_all(
        &self,
        rows: impl Iterator<Item = Result<NumberedRow, BatchError>>,
        source_name: &str,
        case: Case,
    ) -> Result<(AddSummary, Vec<RowError>), BatchError> {
        let mut summary = AddSummary::default();
        let mut refused = Vec::new();
        let mut chunk: Vec<NewRow> = Vec::with_capacity(STAGE_CHUNK);
        let mut seen = 0u64;
        for item in rows {
            let (row_number, value) = item?;
            seen += 1;
            match value.and_then(|v| row::prepare(&self.batch_id, row_number, v, case)) {
                Ok(new) => chunk.push(new),
                Err(problem) => refused.push(RowError { row_number, problem }),
            }
            if chunk.len() >= STAGE_CHUNK {
                self.stage_chunk(std::mem::take(&mut chunk), &mut summary, &mut refused).await?;
            }
        }
        self.stage_chunk(chunk, &mut summary, &mut refused).await?;
        if seen == 0 {
            return Err(BatchError::Input { source_name: source_name.to_owned(), message: "no rows".into() });
        }
        refused.sort_by_key(|r| r.row_number);
        Ok((summary, refused))
    }

    async fn stage_chunk(
        &self,
        chunk: Vec<NewRow>,
        summary: &mut AddSummary,
        refused: &mut Vec<RowError>,
    ) -> Result<(), BatchError> {
        if chunk.is_empty() {
            return Ok(());
        }
        let keys: Vec<(u64, String)> = chunk.iter().map(|r| (r.row_number, r.order_no.clone())).collect();
        let found = self.journal.stage(&self.batch_id, chunk).await?;
        for ((row_number, order_no), staged) in keys.into_iter().zip(found) {
            let problem = match staged {
                Staged::New => continue,
                Staged::Unchanged => {
                    summary.unchanged += 1;
                    continue;
                }
                Staged::Changed { order_no } => RowProblem::Changed { order_no },
                Staged::DuplicateOrderNo { batch_id, row_number } => {
                    RowProblem::DuplicateOrderNo { order_no, batch_id, row_number }
                }
            };
            refused.push(RowError { row_number, problem });
        }
        Ok(())
    }

    /// Every row with its state and the batch's totals (all rows in memory: for a very
    /// large batch, [`Batch::save_report_csv`] and [`Batch::write_report_csv`] stream
    /// them).
    pub async fn report(&self) -> Result<Report, BatchError> {
        let mut rows = Vec::new();
        self.each_row(|row| {
            rows.push(report_row(row)?);
            Ok(())
        })
        .await?;
        let paused = self.journal.paused(&self.batch_id).await?;
        Ok(Report::new(&self.batch_id, rows, paused))
    }

    /// The batch's totals per state and per final status, exact per currency, without
    /// its rows: the journal is read a page at a time and each row is counted, then
    /// dropped, so memory stays flat however many rows the batch has (what
    /// [`Batch::report`] sums, without holding every row).
    pub async fn totals(&self) -> Result<Totals, BatchError> {
        let mut totals = Totals::new(&self.batch_id);
        self.each_row(|row| {
            totals.add(&report_row(row)?);
            Ok(())
        })
        .await?;
        totals.paused = self.journal.paused(&self.batch_id).await?;
        Ok(totals)
    }

    /// Writes the report's rows as CSV (the columns of [`Report::write_csv`]) to `out`,
    /// reading the journal a page at a time, so memory stays flat however many rows the
    /// batch has; returns how many rows were written.
    pub async fn write_report_csv<W: std::io::Write + Send>(&self, out: W) -> Result<u64, BatchError> {
        self.stream_report_csv(out, |e| BatchError::Journal(format!("writing the report: {e}"))).await
    }

    /// Saves the report's rows as CSV (as [`write_report_csv`](Self::write_report_csv)
    /// streams them) to the file at `path`, created or truncated with mode 0600 from the
    /// first byte (an existing file is narrowed to 0600 before it is written), then
    /// synced to disk; returns how many rows were written. A file that cannot be created
    /// or written is [`BatchError::Output`]; after a failure it may hold part of the
    /// report.
    pub async fn save_report_csv(&self, path: impl AsRef<Path>) -> Result<u64, BatchError> {
        let path = path.as_ref();
        let failed = |message: String| BatchError::Output { path: path.to_owned(), message };
        let file = crate::private_file::create(path).map_err(|e| failed(e.to_string()))?;
        let mut out = std::io::BufWriter::new(file);
        let rows = self.stream_report_csv(&mut out, |e| failed(e.to_string())).await?;
        let file = out.into_inner().map_err(|e| failed(e.into_error().to_string()))?;
        file.sync_all().map_err(|e| failed(e.to_string()))?;
        Ok(rows)
    }

    /// Writes the CSV report to `out` a journal page at a time; `failed` says what a
    /// failed write of `out` is (a journal read error stays the journal's).
    async fn stream_report_csv<W: std::io::Write + Send>(
        &self,
        out: W,
        failed: impl Fn(csv::Error) -> BatchError + Send + Sync,
    ) -> Result<u64, BatchError> {
        let mut csv = crate::report::CsvReport::start(out).map_err(&failed)?;
        self.each_row(|row| csv.write(&report_row(row)?).map_err(&failed)).await?;
        csv.finish().map_err(&failed)
    }

    /// Calls `f` with every row of the batch, by row number, a page at a time.
    pub(crate) async fn each_row(
        &self,
        mut f: impl FnMut(JournalRow) -> Result<(), BatchError> + Send,
    ) -> Result<(), BatchError> {
        let mut after_row = 0;
        loop {
            let page = self.journal.rows(&self.batch_id, after_row, ROWS_PER_PAGE).await?;
            let Some(last) = page.last() else { return Ok(()) };
            after_row = last.row_number;
            let full = page.len() == ROWS_PER_PAGE;
            for row in page {
                f(row)?;
            }
            if !full {
                return Ok(());
            }
        }
    }
}
