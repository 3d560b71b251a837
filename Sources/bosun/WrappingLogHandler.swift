import Logging

/// A log handler that wraps another and forwards its level and metadata to it; conformers
/// only say what they do to each event.
protocol WrappingLogHandler: LogHandler {
    var inner: any LogHandler { get set }
}

extension WrappingLogHandler {
    var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { inner.metadataProvider }
        set { inner.metadataProvider = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }
}
