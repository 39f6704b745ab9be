//! The bundled run configuration (`corpus/newsmine.toml`): the `[run]` settings, stance targets,
//! `[units]`, `[aggregate]` and the quotes stage's `[quotes]` table. Each part reads its own
//! tables from the same file (`--config FILE`, else this one); the text lives here, below every
//! stage, so no stage needs another to find it. `check_tables` names a misspelt table whichever
//! stages run.

/// The bundled default config file (also what `newsmine init` writes).
pub const DEFAULT_TOML: &str = include_str!("../../../corpus/newsmine.toml");
/// Where the bundled file lives, for error messages.
pub const DEFAULT_PATH: &str = "corpus/newsmine.toml";

/// The top-level keys a config file may hold: `run` is read by the app, `quotes` by the quotes
/// stage, the others by the stance stage.
pub const TOP_LEVEL_KEYS: &[&str] = &[
    "run",
    "quotes",
    "min_relevance",
    "units",
    "aggregate",
    "target",
];

/// Checks that `text` is TOML whose top-level keys are all known; the error names the first
/// other key (each part checks the keys inside its own tables).
pub fn check_tables(text: &str) -> Result<(), String> {
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| e.to_string().trim_end().to_string())?;
    match table.keys().find(|k| !TOP_LEVEL_KEYS.contains(&k.as_str())) {
        Some(k) => Err(format!(
            "unknown key `{k}` (expected one of {})",
            TOP_LEVEL_KEYS.join(", ")
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_tables_are_known_and_typos_are_named() {
        check_tables(DEFAULT_TOML).unwrap();
        let e = check_tables("[runs]\nbatch = 3\n").unwrap_err();
        assert!(e.contains("`runs`"), "{e}");
        assert!(check_tables("not toml").is_err());
    }
}
