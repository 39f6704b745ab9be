//! The `newsmine` binary: a thin shell over the library.
use clap::Parser;

fn main() {
    // libtorch's OpenMP threads otherwise spin after each call and starve the rayon stages (and
    // collapse under any other load); must be set before libgomp starts.
    if std::env::var_os("OMP_WAIT_POLICY").is_none() {
        std::env::set_var("OMP_WAIT_POLICY", "PASSIVE");
    }
    // oneDNN caches a compiled kernel per batch shape; unbounded, memory grows with the corpus
    // under --bf16 (measured 416 → 728 MiB for ×1 → ×20 the articles; 448 MiB at ×10 with 16).
    if std::env::var_os("ONEDNN_PRIMITIVE_CACHE_CAPACITY").is_none() {
        std::env::set_var("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "16");
    }
    // before any other thread starts: see machine::tune_malloc
    newsmine::machine::tune_malloc();
    let cli = newsmine::cli::Cli::parse();
    let code = match newsmine::app::run(cli) {
        Ok(code) => code,
        Err(e) if e.is_broken_pipe() => 0,
        Err(e) => {
            eprintln!("newsmine: error: {e}");
            e.exit_code()
        }
    };
    std::process::exit(code);
}
