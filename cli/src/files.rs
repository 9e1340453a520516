//! Files the tool writes that hold what others must not read: a private key, a batch
//! report as JSON (order numbers, amounts, outcomes). A CSV report file is the batch
//! crate's own `Batch::save_report_csv`.

use crate::exit::Failure;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

/// Writes `bytes` with mode 0600 from the first byte: a file that already exists is
/// refused unless `force`, and then narrowed to 0600 before it is overwritten.
pub(crate) fn write_private(path: &Path, bytes: &[u8], force: bool) -> Result<(), Failure> {
    let mut file = open_private(path, force)?;
    file.write_all(bytes).and_then(|()| file.sync_all()).map_err(|e| write_failed(path, e))
}

/// What a failed write of `path` says.
fn write_failed(path: &Path, e: std::io::Error) -> Failure {
    Failure::input(format!("cannot write {}: {e}", path.display()))
}

/// Opens `path` for `write_private`: mode 0600; an existing file only with `force`.
fn open_private(path: &Path, force: bool) -> Result<std::fs::File, Failure> {
    let failed = |e: std::io::Error| write_failed(path, e);
    let mut options = OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = match options.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(Failure::input(format!("{} exists; pass --force to overwrite it", path.display())));
        }
        Err(e) => return Err(failed(e)),
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600)).map_err(failed)?;
    }
    Ok(file)
}
