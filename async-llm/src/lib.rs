//! async-llm
