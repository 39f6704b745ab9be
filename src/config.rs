//! The bundled run configuration (`corpus/targets.toml`): stance targets, `[units]`,
//! `[aggregate]` and the quotes stage's `[quotes]` table. Each stage reads its own tables from
//! the same file (`--config FILE`, else this one); the text lives here, below every stage, so no
//! stage needs another to find it.

/// The bundled default config file.
pub const DEFAULT_TOML: &str = include_str!("../corpus/targets.toml");
/// Where the bundled file lives, for error messages.
pub const DEFAULT_PATH: &str = "corpus/targets.toml";
