//! Client SDK for the [Approval Studio](https://approval.studio) REST API: an async
//! [`Client`], a synchronous [`blocking::Client`], typed records read tolerantly
//! ([`models`]), one [`Error`] type, streaming transfers ([`transfer`]), webhook parsing and
//! verification ([`webhook`]) and client-side review links ([`review_links`]).
//!
//! ```no_run
//! use approvalstudio::{Client, NewProject, Upload, ReviewLinkOptions, ReviewLinkSend};
//! use std::time::Duration;
//!
//! # async fn demo() -> approvalstudio::Result<()> {
//! let client = Client::builder()
//!     .base_url("https://api.approval.studio")
//!     .credentials("admin@example.com", "admin-password")
//!     .build()?;
//! let me = client.users().logged_in().await?;
//! let project = client
//!     .projects()
//!     .create(NewProject::new("Carton 330ml", [me.user_uid.clone()]).customer("ACME"))
//!     .await?;
//! let asset_uid = client
//!     .assets()
//!     .upload(Upload::from_path(&project.project_uid, "artwork.pdf"))
//!     .await?;
//! client.assets().wait_processed(&asset_uid, Duration::from_secs(120)).await?;
//! let link = client
//!     .review_links()
//!     .create(&project.project_uid, "Round 1", ReviewLinkOptions::default())
//!     .await?;
//! client.review_links().add_assets(&project.project_uid, &link.id, [asset_uid.clone()]).await?;
//! let sent = client
//!     .review_links()
//!     .send(&project.project_uid, &link.id, ReviewLinkSend::new(["buyer@example.com"]))
//!     .await?;
//! println!("{:?}", sent[0].short_url);
//! # Ok(()) }
//! ```
//!
//! Logging: the crate emits `tracing` spans per operation (`approvalstudio.op`: op, method,
//! path template) and per attempt (`approvalstudio.attempt`: attempt, status) and events for
//! retries and backoff. No secret (password, token, webhook secret) is logged at any level.
#![warn(missing_docs)]

#[macro_use]
pub mod models;
#[doc(hidden)]
#[path = "fuzzing.rs"]
pub mod __fuzz;
pub mod api;
pub mod blocking;
mod client;
pub mod error;
pub mod review_links;
pub mod transfer;
mod transport;
pub mod validate;
pub mod webhook;

pub use api::{
    annotations, assets, projects, refdocs, tasks, users, webhooks, NewAnnotation,
    NewExternalReviewTask, NewProject, NewReviewTask, NewTask, NewUrlRefDoc, NewWebhook,
    ProjectQuery, ProjectUpdate, TaskCompletion,
};
pub use client::{Client, ClientBuilder, DEFAULT_BASE_URL};
pub use error::{Error, ErrorKind, Result};
pub use models::{
    Annotation, ApiSecret, Asset, AssetStatus, EmailLanguage, Folder, KanbanColumn, LoginResult,
    MetaEntry, Project, ProjectClient, ProjectState, RefDoc, Region, ReviewStatus, Task,
    TaskStatus, TaskType, Template, TenantClient, User, Webhook,
};
pub use review_links::{ReviewLink, ReviewLinkOptions, ReviewLinkRecipient, ReviewLinkSend};
pub use secrecy::{ExposeSecret, SecretString};

/// The `rust` code blocks of the project's README, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
pub use transfer::{
    BatchProgressFn, CancellationToken, Download, Progress, ProgressFn, Upload, UploadSource,
    UrlUpload,
};
