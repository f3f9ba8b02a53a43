import CoreMetrics
import Hummingbird
import Logging
import Prometheus
import ServiceLifecycle

/// Serves the process's metrics as Prometheus text on `GET /metrics` (Hummingbird), after making a
/// Prometheus registry the process's swift-metrics backend. Run it in the command's `ServiceGroup`
/// beside the coordinator: it stops with the group on SIGTERM/SIGINT.
///
/// ```swift
/// let endpoint = MetricsEndpoint.bootstrap(host: "127.0.0.1", port: 9464, logger: logger)
/// // ServiceGroup(services: [coordinatorService, endpoint], …)
/// ```
public struct MetricsEndpoint: Service {
    /// The address served.
    public let host: String
    public let port: Int
    private let registry: PrometheusCollectorRegistry
    private let logger: Logger

    /// Makes a Prometheus registry the metrics backend of this process (which may happen once) and
    /// returns the endpoint that serves it.
    public static func bootstrap(host: String, port: Int, logger: Logger) -> MetricsEndpoint {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return MetricsEndpoint(host: host, port: port, registry: registry, logger: logger)
    }

    private init(host: String, port: Int, registry: PrometheusCollectorRegistry, logger: Logger) {
        self.host = host
        self.port = port
        self.registry = registry
        self.logger = logger
    }

    /// The metrics as Prometheus text.
    public func text() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    public func run() async throws {
        let router = Router()
        let endpoint = self
        router.get("metrics") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: endpoint.text())))
        }
        let application = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "mnemo"), logger: logger)
        logger.info("serving metrics on http://\(host):\(port)/metrics")
        try await application.runService()
    }
}
