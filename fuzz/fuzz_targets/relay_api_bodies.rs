//! Any bytes as a relay request body, decoded as the relay decodes it: JSON into the API
//! types, then canonical base64url of every binary field.
#![no_main]

use keypost_protocol::api::pickups::{CreatePickupRequest, DeleteRequest, OpenRequest};
use keypost_protocol::b64;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(request) = serde_json::from_slice::<CreatePickupRequest>(data) {
        assert_eq!(
            serde_json::to_value(request.id).ok(),
            Some(request.id.to_base64().into())
        );
        for field in [&request.ciphertext, &request.pin_verifier] {
            if let Ok(bytes) = b64::decode(field) {
                assert_eq!(&b64::encode(&bytes), field);
            }
        }
    }
    if let Ok(request) = serde_json::from_slice::<OpenRequest>(data) {
        let _ = b64::decode_array::<32>(&request.challenge);
        let _ = b64::decode_array::<32>(&request.proof);
    }
    if let Ok(request) = serde_json::from_slice::<DeleteRequest>(data) {
        let _ = b64::decode_array::<32>(&request.delete_key);
    }
});
