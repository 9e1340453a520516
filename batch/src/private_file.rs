//! Files the batch writes for its owner only: a report holds order numbers, trade numbers
//! and outcomes. Mode 0600 from the first byte, and an existing file is narrowed to 0600
//! before anything is written to it.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

/// Creates `path`, or truncates it when it exists, for writing with mode 0600 (Unix).
pub(crate) fn create(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Applies only to a file this call creates…
        options.mode(0o600);
    }
    let file = options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // …so an existing one (say 0644) is narrowed here, while it is still empty.
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(file)
}
