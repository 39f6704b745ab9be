//! The `newsmine` binary: a thin shell over the library.
use clap::Parser;

fn main() {
    let cli = newsmine::cli::Cli::parse();
    let code = match newsmine::app::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("newsmine: error: {e}");
            e.exit_code()
        }
    };
    std::process::exit(code);
}
