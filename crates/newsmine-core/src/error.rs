//! One crate-wide error type. Data problems in one article never surface here: they become rows of
//! `errors.csv` (see `corpus::InputError`); these are errors that stop a command.
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// libtorch, the base encoder or a task model is missing: the message names the set-up command.
    #[error(
        "{0}\n  hint: run `make setup` (scripts/setup.sh) to install libtorch and the base encoder"
    )]
    Setup(String),
    #[error("model {path}: {msg}")]
    Model { path: PathBuf, msg: String },
    #[error("config {path}: {msg}")]
    Config { path: PathBuf, msg: String },
    #[error("data {path}: {msg}")]
    Data { path: PathBuf, msg: String },
    #[error("usage: {0}")]
    Usage(String),
    #[error("tokenizer: {0}")]
    Tokenizer(String),
    /// (only with the `models` feature: the model crate's libtorch calls)
    #[cfg(feature = "models")]
    #[error(transparent)]
    Torch(#[from] tch::TchError),
    #[error(transparent)]
    Csv(#[from] csv::Error),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    #[error("{0}")]
    Other(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
    /// The reader of our stdout went away (`newsmine run - | head -1`): not an error, the
    /// command just stops, as ripgrep does.
    pub fn is_broken_pipe(&self) -> bool {
        match self {
            Error::Io { source, .. } => source.kind() == std::io::ErrorKind::BrokenPipe,
            Error::Csv(e) => {
                matches!(e.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe)
            }
            Error::Json(e) => e.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe),
            _ => false,
        }
    }
    /// Exit code of the command line: 2 for usage and set-up problems, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Setup(_) | Error::Usage(_) | Error::Config { .. } | Error::Model { .. } => 2,
            _ => 1,
        }
    }
}

#[cfg(feature = "models")]
impl From<tokenizers::Error> for Error {
    fn from(e: tokenizers::Error) -> Self {
        Error::Tokenizer(e.to_string())
    }
}
