//! The `[quotes]` table of the run's config file: the same TOML file as the stance targets
//! (`--config FILE`, else the bundled `corpus/newsmine.toml`), so that one file describes a study.
//!
//! ```toml
//! [quotes]
//! include = ["belief", "intention"]   # cue classes added to speech, written, according_to
//! ```
//!
//! The table is checked with `deny_unknown_fields` here and by the stance stage's parser, so a
//! typo is an error whichever stages run.
use super::lexicon::{CueClass, CueClasses};
use crate::{Error, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The `[quotes]` table as written.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuotesSettings {
    /// cue classes kept besides the default ones (speech, written, according_to, which may be
    /// listed too): `belief`, `intention`, `other`
    #[serde(default)]
    pub include: Vec<CueClass>,
}

/// The file around the table: other tables belong to the stance stage.
#[derive(Deserialize)]
struct File {
    #[serde(default)]
    quotes: QuotesSettings,
}

impl QuotesSettings {
    /// The classes a run keeps.
    pub fn classes(&self) -> CueClasses {
        self.include
            .iter()
            .fold(CueClasses::DEFAULT, |set, &c| set.with(c))
    }

    /// The `[quotes]` table of the config file given on the command line, else of the bundled
    /// targets file (none there: the defaults).
    pub fn load_or_default(path: Option<&Path>) -> Result<Self> {
        match path {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
                Self::from_toml_str(&text, path)
            }
            None => Self::from_toml_str(
                crate::config::DEFAULT_TOML,
                Path::new(crate::config::DEFAULT_PATH),
            ),
        }
    }

    /// Parses the `[quotes]` table of a config file; `path` only names the file in errors.
    pub fn from_toml_str(text: &str, path: &Path) -> Result<Self> {
        let file: File = toml::from_str(text).map_err(|e| Error::Config {
            path: PathBuf::from(path),
            msg: e.to_string().trim_end().to_string(),
        })?;
        Ok(file.quotes)
    }
}

/// Rows of a `quotes.csv` whose `speaker_reason` is `unresolved` (0 when the file is missing):
/// counted from the table so that a resumed or merged run counts every row once.
pub fn count_unresolved(path: &Path) -> Result<usize> {
    if !path.is_file() {
        return Ok(0);
    }
    let mut r = csv::Reader::from_path(path)
        .map_err(|e| Error::Other(format!("{}: {e}", path.display())))?;
    let headers = r
        .headers()
        .map_err(|e| Error::Other(format!("{}: {e}", path.display())))?
        .clone();
    let Some(col) = headers.iter().position(|h| h == "speaker_reason") else {
        return Ok(0);
    };
    let mut n = 0;
    for rec in r.records() {
        let rec = rec.map_err(|e| Error::Other(format!("{}: {e}", path.display())))?;
        n += usize::from(rec.get(col) == Some(super::SpeakerReason::Unresolved.as_str()));
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn include_adds_classes_and_typos_are_errors() {
        let p = Path::new("t.toml");
        let s = QuotesSettings::from_toml_str("min_relevance = 0.3\n", p).unwrap();
        assert_eq!(s.classes(), CueClasses::DEFAULT);
        let s = QuotesSettings::from_toml_str(
            "[quotes]\ninclude = [\"belief\", \"intention\", \"other\"]\n[[target]]\nname = \"x\"\n",
            p,
        )
        .unwrap();
        assert_eq!(s.classes(), CueClasses::ALL);
        assert!(QuotesSettings::from_toml_str("[quotes]\ninclude = [\"beliefs\"]\n", p).is_err());
        assert!(QuotesSettings::from_toml_str("[quotes]\ninclude_all = true\n", p).is_err());
        assert_eq!(
            QuotesSettings::load_or_default(None).unwrap(),
            QuotesSettings::default()
        );
    }

    #[test]
    fn unresolved_rows_are_counted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("quotes.csv");
        assert_eq!(count_unresolved(&path).unwrap(), 0);
        std::fs::write(
            &path,
            "article_id,speaker_reason\na,unresolved\na,\nb,unnamed speaker\nb,unresolved\n",
        )
        .unwrap();
        assert_eq!(count_unresolved(&path).unwrap(), 2);
    }
}
