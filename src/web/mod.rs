//! HTTP plumbing shared by every page: the request context middleware
//! (request id, client IP, logging span, metrics, security headers),
//! rendering, static assets, bounded file uploads and the operations
//! endpoints.

pub mod assets;
pub mod context;
pub mod device;
pub mod headers;
pub mod middleware;
pub mod ops;
pub mod render;
pub mod upload;

pub use context::RequestContext;
