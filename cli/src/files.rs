//! Files the tool writes that hold what others must not read: a private key, a batch
//! report (order numbers, amounts, outcomes).

use crate::exit::Failure;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

/// Writes `bytes` with mode 0600 from the first byte: a file that already exists is
/// refused unless `force`, and then narrowed to 0600 before it is overwritten.
pub(crate) fn write_private(path: &Path, bytes: &[u8], force: bool) -> Result<(), Failure> {
    let failed = |e: std::io::Error| Failure::input(format!("cannot write {}: {e}", path.display()));
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
    let mut file = match options.open(path) {
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
    file.write_all(bytes).and_then(|()| file.sync_all()).map_err(failed)
}
