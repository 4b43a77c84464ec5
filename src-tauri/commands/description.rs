//! The command list as data, for tests: each command's name, argument names and reply with
//! their TypeScript types (`bindings.rs` writes the UI's wrappers from it), and what the list's
//! `typecheck` needs to call every command with exactly the listed types.

use std::collections::BTreeMap;
use ts_rs::{Config, TS, TypeVisitor};

/// One command as the UI calls it.
pub struct Signature {
    pub name: &'static str,
    /// Argument names as in Rust, with their TypeScript types.
    pub arguments: Vec<(&'static str, String)>,
    pub reply: String,
}

/// The TypeScript declarations of every named type met so far, by name.
#[derive(Default)]
pub struct Declarations {
    config: Config,
    by_name: BTreeMap<String, String>,
}

impl Declarations {
    /// The TypeScript name of `T`, declaring `T` and every type it is made of.
    pub fn name_of<T: TS + 'static + ?Sized>(&mut self) -> String {
        self.visit::<T>();
        T::visit_generics(self);
        T::name(&self.config)
    }

    /// Every declaration met, sorted by name.
    pub fn into_declarations(self) -> impl Iterator<Item = String> {
        self.by_name.into_values()
    }
}

impl TypeVisitor for Declarations {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        // Only named types (derived ones) have a declaration; built-ins and wrappers do not.
        if T::output_path().is_none() {
            return;
        }
        let name = T::ident(&self.config);
        let declaration = format!("export {}\n", T::decl(&self.config));
        if let Some(known) = self.by_name.get(&name) {
            assert!(
                *known == declaration,
                "two different types are both called {name} in TypeScript"
            );
            return;
        }
        self.by_name.insert(name, declaration);
        T::visit_dependencies(self);
    }
}

/// What the command list's `typecheck` uses to call each command with the listed types,
/// without ever running it.
pub mod check {
    use tauri::{AppHandle, State};

    use crate::error::CommandResult;
    use crate::state::AppState;

    /// A command's return value is its reply, bare or in a `CommandResult`.
    pub trait Replies<T> {}
    impl<T> Replies<T> for T {}
    impl<T> Replies<T> for CommandResult<T> {}

    pub fn replies<T, R: Replies<T>>(_: R) {}

    /// A value of any type, for the type checker only.
    pub fn value<T>() -> T {
        unreachable!("only type-checked")
    }

    /// What Tauri injects, for the type checker only.
    pub mod injected {
        use super::*;

        pub fn app() -> AppHandle {
            unreachable!("only type-checked")
        }

        pub fn state() -> State<'static, AppState> {
            unreachable!("only type-checked")
        }
    }

    macro_rules! reply_of {
        (async $call:expr) => {
            $call.await
        };
        (sync $call:expr) => {
            $call
        };
    }
    pub(crate) use reply_of;
}
