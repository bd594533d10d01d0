"""Typed errors. Each message says what went wrong and how to fix it."""


class AssistantError(Exception):
    """Base class for every error the assistant reports to users."""


class ConfigError(AssistantError):
    """A setting is missing or invalid."""


class DocumentError(AssistantError):
    """An input file cannot be read as an article."""


class StoreError(AssistantError):
    """The vector store is missing, unreachable or inconsistent."""


class EmbedderMismatchError(StoreError):
    """The index was built with a different embedder than the one configured."""


class EmptyIndexError(StoreError):
    """Nothing has been ingested yet."""


class StoreUnavailableError(StoreError):
    """The Chroma server cannot be reached."""


class InputError(AssistantError):
    """A question or argument is unusable (empty, too long...). ``kind`` names the fault for
    front ends that say it in the user's language: empty, too_long, no_words, invalid_text,
    or other."""

    def __init__(self, message: str, kind: str = "other") -> None:
        super().__init__(message)
        self.kind = kind


class ModelError(AssistantError):
    """The language model backend failed or is unreachable."""


class EmbedderError(AssistantError):
    """The embedding model failed while indexing; finished batches are kept."""
