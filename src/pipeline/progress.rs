//! Progress of a run on stderr: on a terminal a bar with the total, percent, articles/s and ETA;
//! elsewhere (Slurm logs, CI) one plain line every 30 s; nothing with `-q`.
//!
//! The total is counted before the run: the bytes of every input file (a JSONL or CSV file is
//! one file but many articles, so bytes are the one unit that is known up front for all
//! formats). An article advances the bar by its file's size (txt, html) or by its record's share
//! of it (the text's bytes, corrected to the file's exact size once the next file starts).
use crate::corpus::{Article, Format};
use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Seconds between two plain lines off a terminal.
const PLAIN_EVERY: Duration = Duration::from_secs(30);

pub struct Progress {
    mode: Mode,
    started: Instant,
    /// bytes of every input file, by the `source` string the readers give its articles
    sizes: HashMap<String, u64>,
    total: u64,
    /// bytes of the files finished so far
    done_files: u64,
    /// the file being read and the bytes of its records counted so far
    current: Option<(String, u64)>,
    articles: u64,
    last_line: Instant,
}

enum Mode {
    Hidden,
    Bar(indicatif::ProgressBar),
    Plain,
}

impl Progress {
    /// Counts the inputs (a walk over the folders, no file is read) and starts the display.
    pub fn start(quiet: bool, inputs: &[PathBuf], format: Option<Format>) -> Progress {
        let stdin = inputs.iter().any(|p| p.as_os_str() == "-");
        let mut sizes = HashMap::new();
        if !quiet && !stdin {
            for p in inputs {
                input_sizes(p, format, &mut sizes);
            }
        }
        let total = sizes.values().sum();
        let mode = if quiet {
            Mode::Hidden
        } else if std::io::stderr().is_terminal() {
            Mode::Bar(bar(if stdin { None } else { Some(total) }))
        } else {
            Mode::Plain
        };
        Progress {
            mode,
            started: Instant::now(),
            sizes,
            total,
            done_files: 0,
            current: None,
            articles: 0,
            last_line: Instant::now(),
        }
    }

    /// One more article written.
    pub fn article(&mut self, article: &Article) {
        if let Mode::Hidden = self.mode {
            return;
        }
        self.articles += 1;
        let (file, whole) = match self.sizes.get_key_value(&article.source) {
            Some((k, _)) => (k.clone(), true),
            // `path:LINE` (JSONL) or `path:ROW` (CSV)
            None => match article.source.rsplit_once(':') {
                Some((path, n)) if n.bytes().all(|b| b.is_ascii_digit()) => {
                    (path.to_string(), false)
                }
                _ => (article.source.clone(), true),
            },
        };
        let size = self.sizes.get(&file).copied().unwrap_or(0);
        if self.current.as_ref().is_some_and(|(f, _)| *f != file) {
            // the previous file is done: count its exact size, whatever its records added up to
            let (f, _) = self.current.take().unwrap_or_default();
            self.done_files += self.sizes.get(&f).copied().unwrap_or(0);
        }
        let cur = self.current.get_or_insert((file, 0));
        cur.1 = if whole {
            size
        } else {
            (cur.1 + article.text.len() as u64).min(size)
        };
        let pos = (self.done_files + cur.1).min(self.total);
        let rate = self.articles as f64 / self.started.elapsed().as_secs_f64().max(1e-3);
        match &self.mode {
            Mode::Bar(pb) => {
                pb.set_position(pos);
                pb.set_message(format!("{} articles, {rate:.1} articles/s", self.articles));
            }
            Mode::Plain if self.last_line.elapsed() >= PLAIN_EVERY => {
                self.last_line = Instant::now();
                eprintln!("{}", self.line(pos, rate));
            }
            _ => {}
        }
    }

    /// The plain line: articles, percent of the input, rate, time left.
    fn line(&self, pos: u64, rate: f64) -> String {
        let elapsed = self.started.elapsed().as_secs_f64();
        let mut s = format!(
            "newsmine: {} articles in {}, {rate:.1} articles/s",
            self.articles,
            clock(elapsed)
        );
        if self.total > 0 && pos > 0 {
            let f = pos as f64 / self.total as f64;
            s += &format!(
                ", {:.0}% of the input, about {} left",
                100.0 * f,
                clock(elapsed * (1.0 - f) / f)
            );
        }
        s
    }

    pub fn finish(&self) {
        if let Mode::Bar(pb) = &self.mode {
            pb.finish_and_clear();
        }
    }
}

/// `1h02m`, `4m10s`, `12s`.
fn clock(seconds: f64) -> String {
    let s = seconds.max(0.0).round() as u64;
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, s % 3600 / 60),
    }
}

fn bar(total: Option<u64>) -> indicatif::ProgressBar {
    let (pb, template) = match total {
        Some(n) => (
            indicatif::ProgressBar::new(n),
            "{bar:30} {percent:>3}% of {total_bytes} · {msg} · {elapsed} elapsed, ETA {eta}",
        ),
        // stdin: no total to count
        None => (
            indicatif::ProgressBar::new_spinner(),
            "{spinner} {msg} · {elapsed}",
        ),
    };
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        pb.set_style(style);
    }
    // redraw every second so that elapsed and ETA move while a batch is in the models
    pb.enable_steady_tick(Duration::from_secs(1));
    pb.set_message("reading");
    pb
}

/// The sizes of the files under `path` that the readers will read, keyed like their sources
/// (`path.display()`, folders walked as `Path::join`). Hidden entries and run folders are
/// skipped, as the readers skip them.
fn input_sizes(path: &Path, format: Option<Format>, sizes: &mut HashMap<String, u64>) {
    let Ok(meta) = std::fs::metadata(path) else {
        return;
    };
    if meta.is_file() {
        sizes.insert(path.display().to_string(), meta.len());
        return;
    }
    let mut stack = vec![path.to_path_buf()];
    let mut seen = std::collections::HashSet::new();
    while let Some(dir) = stack.pop() {
        // a symlink loop ends at the second visit, as in the readers' walk
        if !std::fs::canonicalize(&dir).is_ok_and(|c| seen.insert(c)) {
            continue;
        }
        // the readers' is_run_folder: a run's tables are output, not articles
        if (dir.join("run.json").is_file() && dir.join("articles.csv").is_file())
            || dir.join(".newsmine-progress.json").is_file()
        {
            continue;
        }
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let p = dir.join(e.file_name());
            match std::fs::metadata(&p) {
                Ok(m) if m.is_dir() => stack.push(p),
                Ok(m) if format.is_some() || Format::from_path(&p).is_some() => {
                    sizes.insert(p.display().to_string(), m.len());
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_reads_like_a_clock() {
        assert_eq!(clock(12.2), "12s");
        assert_eq!(clock(250.0), "4m10s");
        assert_eq!(clock(3720.0), "1h02m");
    }

    #[test]
    fn positions_add_up_to_the_input_bytes() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "x".repeat(100)).unwrap();
        std::fs::write(dir.path().join("b.jsonl"), "y".repeat(1000)).unwrap();
        std::fs::write(dir.path().join("notes.md"), "z").unwrap();
        let mut p = Progress::start(false, &[dir.path().to_path_buf()], None);
        p.mode = Mode::Plain; // whatever stderr is in the test harness
        assert_eq!(p.total, 1100);
        let art = |source: String, text: &str| Article {
            source,
            text: text.into(),
            ..Default::default()
        };
        let jsonl = dir.path().join("b.jsonl").display().to_string();
        p.article(&art(format!("{jsonl}:1"), &"t".repeat(300)));
        assert_eq!(p.current.as_ref().map(|c| c.1), Some(300));
        p.article(&art(format!("{jsonl}:2"), &"t".repeat(900)));
        assert_eq!(
            p.current.as_ref().map(|c| c.1),
            Some(1000),
            "capped at the file"
        );
        p.article(&art(dir.path().join("a.txt").display().to_string(), "x"));
        assert_eq!(p.done_files + p.current.as_ref().map_or(0, |c| c.1), 1100);
        assert_eq!(p.articles, 3);
    }
}
