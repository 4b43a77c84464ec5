//! Helpers shared by the whole-system tests.
pub mod app_driver;
pub mod measure;
pub mod private_bus;
pub mod relay;
