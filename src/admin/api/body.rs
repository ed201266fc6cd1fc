//! [`Body`]: the JSON body of an admin API request, which must be one
//! JSON object. `serde` would also fill a struct from an array (`[null]`
//! as `{"alg": null}`), which the OpenAPI document does not allow; the
//! body is read under the API's `JsonConfig` (size limit, 400 errors),
//! checked to be an object, then turned into `T`.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, web};
use serde::de::DeserializeOwned;

use crate::admin::api::problem::Problem;

/// A JSON object body deserialized as `T`.
#[derive(Debug)]
pub struct Body<T>(pub T);

impl<T> Body<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Body<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

fn refused(message: String) -> actix_web::Error {
    Problem::new(StatusCode::BAD_REQUEST, message).into()
}

impl<T: DeserializeOwned + 'static> FromRequest for Body<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = web::Json::<serde_json::Value>::from_request(req, payload);
        Box::pin(async move {
            let value = json.await?.into_inner();
            if !value.is_object() {
                return Err(refused("body: must be a JSON object".to_owned()));
            }
            serde_json::from_value(value)
                .map(Body)
                .map_err(|e| refused(format!("body: {e}")))
        })
    }
}
