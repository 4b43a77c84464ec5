//! Helpers shared by the whole-system tests.
pub mod app_driver;
pub mod measure;
pub mod relay;
