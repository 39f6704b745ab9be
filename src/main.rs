//! The `newsmine` binary: a thin shell over the library.
use clap::Parser;

fn main() {
    // libtorch's OpenMP threads otherwise spin after each call and starve the rayon stages (and
    // collapse under any other load); must be set before libgomp starts.
    if std::env::var_os("OMP_WAIT_POLICY").is_none() {
        std::env::set_var("OMP_WAIT_POLICY", "PASSIVE");
    }
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
