//! Checking a reply against its JSON Schema with the `jsonschema` crate.

use serde_json::Value;

use super::mismatch::{MAX_VIOLATIONS, Violation};
use crate::Error;

/// A compiled schema, ready to check replies.
pub(crate) struct SchemaValidator {
    validator: jsonschema::Validator,
}

impl SchemaValidator {
    /// Compiles `schema` (draft 2020-12 unless it names another draft in `$schema`).
    ///
    /// # Errors
    ///
    /// Returns [`Error::InvalidConfig`] when the schema itself is not a valid JSON Schema.
    pub(crate) fn compile(name: &str, schema: &Value) -> Result<Self, Error> {
        // With default features off the crate cannot fetch remote `$ref`s, so compiling a
        // schema never touches the network or the file system.
        let validator = jsonschema::validator_for(schema).map_err(|error| {
            Error::InvalidConfig(format!(
                "the output schema `{name}` is not a valid JSON Schema: {}; fix the schema",
                error.masked()
            ))
        })?;
        Ok(Self { validator })
    }

    /// Returns every way `instance` breaks the schema, at most [`MAX_VIOLATIONS`].
    pub(crate) fn violations(&self, instance: &Value) -> Vec<Violation> {
        self.validator
            .iter_errors(instance)
            .take(MAX_VIOLATIONS)
            .map(|error| {
                Violation::new(
                    error.instance_path().to_string(),
                    error.kind().keyword(),
                    error.to_string(),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn validator() -> SchemaValidator {
        let schema = json!({
            "type": "object",
            "properties": {
                "answer": {"type": "string"},
                "citations": {"type": "array", "items": {"enum": ["F1", "F2"]}}
            },
            "required": ["answer", "citations"],
            "additionalProperties": false
        });
        SchemaValidator::compile("answer", &schema).expect("valid schema")
    }

    #[test]
    fn valid_reply_has_no_violations() {
        let reply = json!({"answer": "yes", "citations": ["F1"]});
        assert!(validator().violations(&reply).is_empty());
    }

    #[test]
    fn violations_name_path_and_keyword() {
        let reply = json!({"citations": ["F9"], "extra": 1});
        let violations = validator().violations(&reply);
        let places: Vec<(&str, &str)> = violations
            .iter()
            .map(|v| (v.instance_path.as_str(), v.keyword.as_str()))
            .collect();
        assert!(places.contains(&("", "required")), "{places:?}");
        assert!(places.contains(&("/citations/0", "enum")), "{places:?}");
        assert!(places.contains(&("", "additionalProperties")), "{places:?}");
    }

    #[test]
    fn invalid_schema_is_config_error() {
        let schema = json!({"type": "no such type"});
        let error = SchemaValidator::compile("broken", &schema)
            .err()
            .expect("invalid schema");
        assert!(matches!(error, Error::InvalidConfig(_)));
        assert!(error.to_string().contains("`broken`"));
    }
}
