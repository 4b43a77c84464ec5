//! Where the master password comes from: `KEYPOST_PASSWORD`, `--password-stdin`, or a prompt
//! without echo. Returned values are zeroized when dropped.

use crate::error::CliError;
use std::io::{BufRead, IsTerminal};
use zeroize::Zeroizing;

pub struct PasswordSource {
    from_stdin: bool,
}

impl PasswordSource {
    pub fn new(from_stdin: bool) -> Self {
        Self { from_stdin }
    }

    /// The master password of an existing vault.
    pub fn master_password(&self) -> Result<Zeroizing<String>, CliError> {
        self.read("Master password: ")
    }

    /// A new master password: asked twice when typed, taken as given from env or stdin.
    pub fn new_master_password(&self, prompt: &str) -> Result<Zeroizing<String>, CliError> {
        if self.from_stdin || std::env::var_os("KEYPOST_PASSWORD").is_some() {
            return self.read(prompt);
        }
        let first = prompt_hidden(prompt)?;
        let second = prompt_hidden("Repeat it: ")?;
        if first != second {
            return Err(CliError::Input("the two passwords differ".into()));
        }
        Ok(first)
    }

    /// The new password for `keypost passwd`: env `KEYPOST_NEW_PASSWORD` or the second line of
    /// standard input for scripts, else typed twice.
    pub fn replacement_password(&self) -> Result<Zeroizing<String>, CliError> {
        if let Ok(value) = std::env::var("KEYPOST_NEW_PASSWORD") {
            return Ok(Zeroizing::new(value));
        }
        if self.from_stdin {
            return read_stdin_line();
        }
        let first = prompt_hidden("New master password: ")?;
        let second = prompt_hidden("Repeat it: ")?;
        if first != second {
            return Err(CliError::Input("the two passwords differ".into()));
        }
        Ok(first)
    }

    fn read(&self, prompt: &str) -> Result<Zeroizing<String>, CliError> {
        if self.from_stdin {
            return read_stdin_line();
        }
        if let Ok(value) = std::env::var("KEYPOST_PASSWORD") {
            return Ok(Zeroizing::new(value));
        }
        prompt_hidden(prompt)
    }
}

fn prompt_hidden(prompt: &str) -> Result<Zeroizing<String>, CliError> {
    if !std::io::stdin().is_terminal() {
        return Err(CliError::Input(
            "no master password: set KEYPOST_PASSWORD or use --password-stdin".into(),
        ));
    }
    rpassword::prompt_password(prompt)
        .map(Zeroizing::new)
        .map_err(|error| CliError::Io(format!("cannot read the password: {error}")))
}

fn read_stdin_line() -> Result<Zeroizing<String>, CliError> {
    let mut line = Zeroizing::new(String::new());
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|error| CliError::Io(format!("cannot read standard input: {error}")))?;
    let trimmed = line.trim_end_matches(['\n', '\r']);
    if trimmed.is_empty() {
        return Err(CliError::Input("standard input held no password".into()));
    }
    Ok(Zeroizing::new(trimmed.to_owned()))
}

/// True when a person can answer a question on this terminal.
pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}
