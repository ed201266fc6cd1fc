//! Dynamic client registration (RFC 7591) and its management protocol
//! (RFC 7592), off unless `[registration] mode` says `token` or `open`
//! (S3, SR-141, docs/oidc.md): initial access tokens administrators issue
//! ([`tokens`], [`cli`]), the metadata a client may ask for ([`metadata`]),
//! `POST /register` ([`register`]) with its per-address limit ([`limit`])
//! and `GET`/`PUT`/`DELETE /register/{client_id}` ([`manage`]).

pub mod cli;
pub mod limit;
pub mod manage;
pub mod metadata;
pub mod register;
pub mod tokens;
