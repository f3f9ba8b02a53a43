import Foundation
import MnemoTestSupport
import Testing

@testable import MnemoWire

@Suite struct ZMQSocketTests {
    struct Hello: Codable, Equatable {
        var workerId: String
        var cores: Int
    }

    struct Welcome: Codable, Equatable {
        var heartbeatMilliseconds: Int
    }

    /// A ROUTER bound to a free loopback port, and that endpoint.
    static func boundRouter(_ context: ZMQContext, options: [ZMQSocket.Option] = []) throws -> (ZMQSocket, String) {
        let router = try ZMQSocket(context: context, kind: .router)
        for option in options {
            try router.set(option)
        }
        try router.bind("tcp://127.0.0.1:*")
        return (router, try router.lastEndpoint)
    }

    static func dealer(_ context: ZMQContext, identity: String, connectingTo endpoint: String) throws -> ZMQSocket {
        let dealer = try ZMQSocket(context: context, kind: .dealer)
        try dealer.setIdentity(PeerIdentity(identity))
        try dealer.set(.reconnectInterval(.milliseconds(10)))
        try dealer.connect(endpoint)
        return dealer
    }
}

extension ZMQSocketTests {
    /// A worker sets a linger before its goodbye and then lets its socket go: the release must keep that
    /// linger, not drop the goodbye (a loaded machine lost one, and the coordinator took the worker for
    /// dead).
    @Test func aReleasedSocketKeepsTheLingerItWasGiven() throws {
        let endpoint = "tcp://127.0.0.1:\(try FreePort.pick())"
        let leaving = try ZMQContext()
        do {
            // Nothing listens yet: the goodbye waits in the socket's queue when the socket is released.
            let dealer = try Self.dealer(leaving, identity: "leaving", connectingTo: endpoint)
            try dealer.set(.linger(.seconds(5)))
            try dealer.send(Envelope(type: .bye, header: Welcome(heartbeatMilliseconds: 0)))
        }
        let context = try ZMQContext()
        let router = try ZMQSocket(context: context, kind: .router)
        try router.bind(endpoint)
        let received = try router.receive(timeout: .seconds(5))
        #expect(try received.map { try RoutedEnvelope.decode($0).envelope.type } == .bye)
        withExtendedLifetime(leaving) {}
    }

    @Test func routerAndDealerExchangeEnvelopesOverTCP() throws {
        let context = try ZMQContext()
        let (router, endpoint) = try Self.boundRouter(context, options: [.routerMandatory(true)])
        #expect(endpoint.hasPrefix("tcp://127.0.0.1:"))
        #expect(Int(endpoint.dropFirst("tcp://127.0.0.1:".count)).map { $0 > 0 } == true)
        let dealer = try Self.dealer(context, identity: "worker-1", connectingTo: endpoint)

        let hello = Hello(workerId: "worker-1", cores: 4)
        try dealer.send(Envelope(type: .hello, header: hello))
        let received = try #require(try router.receive(timeout: .seconds(10)))
        #expect(received.count == 4)
        let request = try RoutedEnvelope.decode(received)
        #expect(request.peer == PeerIdentity("worker-1"))
        #expect(request.envelope.type == .hello)
        #expect(try request.envelope.decodeHeader(Hello.self) == hello)

        let payload = Data((0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        try router.send(
            Envelope(type: .welcome, header: Welcome(heartbeatMilliseconds: 1000), payload: payload), to: request.peer)
        let reply = try Envelope.decode(try #require(try dealer.receive(timeout: .seconds(10))))
        #expect(reply.type == .welcome)
        #expect(reply.payload == payload)
        #expect(try reply.decodeHeader(Welcome.self) == Welcome(heartbeatMilliseconds: 1000))
    }

    @Test func receiveReturnsNilWhenNothingArrivesInTime() throws {
        let context = try ZMQContext()
        let (router, endpoint) = try Self.boundRouter(context)
        let dealer = try Self.dealer(context, identity: "idle", connectingTo: endpoint)

        let start = ContinuousClock.now
        #expect(try router.receive(timeout: .milliseconds(60)) == nil)
        #expect(ContinuousClock.now - start >= .milliseconds(60))
        #expect(try dealer.receive(timeout: .zero) == nil)
    }

    @Test func mandatoryRouterRefusesUnknownIdentityWithHostUnreachable() throws {
        let context = try ZMQContext()
        let (router, _) = try Self.boundRouter(context, options: [.routerMandatory(true)])
        let envelope = try Envelope(type: .ack, header: ["task": "t"])

        let error = try #require(throws: WireError.self) {
            try router.send(envelope, to: PeerIdentity("nobody"))
        }
        #expect(error.errno == EHOSTUNREACH)
        #expect(error.isHostUnreachable)
        #expect(error.description.contains("Host unreachable"))
    }

    @Test func routerWithoutMandatorySilentlyDropsUnknownIdentity() throws {
        let context = try ZMQContext()
        let (router, _) = try Self.boundRouter(context)
        try router.send(Envelope(type: .ack, header: ["task": "t"]), to: PeerIdentity("nobody"))
    }

    @Test func frameLargerThanMaxMessageSizeIsDroppedByLibzmq() throws {
        let context = try ZMQContext()
        let (router, endpoint) = try Self.boundRouter(context, options: [.maxMessageSize(1000)])
        let dealer = try Self.dealer(context, identity: "big", connectingTo: endpoint)

        try dealer.send([Data(count: 2000)])
        #expect(try router.receive(timeout: .milliseconds(300)) == nil)
        // libzmq disconnects the offender; the dealer reconnects and small messages flow again.
        var delivered: [Data]?
        for _ in 0..<40 where delivered == nil {
            try dealer.send([Data("small".utf8)])
            delivered = try router.receive(timeout: .milliseconds(250))
        }
        #expect(delivered == [Data("big".utf8), Data("small".utf8)])
    }

    @Test func bindingABusyPortFailsWithAddressInUse() throws {
        let context = try ZMQContext()
        let (first, endpoint) = try Self.boundRouter(context)
        let second = try ZMQSocket(context: context, kind: .router)
        let error = try withExtendedLifetime(first) {
            try #require(throws: WireError.self) { try second.bind(endpoint) }
        }
        #expect(error.errno == EADDRINUSE)
        #expect(error.operation == "zmq_bind(\(endpoint))")
    }

    @Test func malformedEndpointIsInvalid() throws {
        let context = try ZMQContext()
        let dealer = try ZMQSocket(context: context, kind: .dealer)
        let error = try #require(throws: WireError.self) { try dealer.connect("nonsense") }
        #expect(error.errno == EINVAL)
    }

    @Test func everyOptionIsAcceptedByTheSocketItAppliesTo() throws {
        let context = try ZMQContext()
        let router = try ZMQSocket(context: context, kind: .router)
        let options: [ZMQSocket.Option] = [
            .routerMandatory(true), .routerHandover(true), .sendHighWaterMark(5000), .receiveHighWaterMark(0),
            .linger(.milliseconds(250)), .maxMessageSize(1 << 28), .maxMessageSize(nil), .tcpKeepAlive(true),
            .tcpKeepAlive(nil), .tcpKeepAliveIdle(seconds: 30), .tcpKeepAliveInterval(seconds: 5),
            .tcpKeepAliveCount(3), .sendTimeout(.seconds(1)), .sendTimeout(nil),
            .reconnectInterval(.milliseconds(100)), .reconnectIntervalMax(.seconds(5)),
        ]
        for option in options {
            try router.set(option)
        }
    }

    @Test func optionsThatDoNotApplyOrHaveBadValuesAreInvalid() throws {
        let context = try ZMQContext()
        let dealer = try ZMQSocket(context: context, kind: .dealer)
        let mandatory = try #require(throws: WireError.self) { try dealer.set(.routerMandatory(true)) }
        #expect(mandatory.errno == EINVAL)
        #expect(mandatory.operation == "zmq_setsockopt(ZMQ_ROUTER_MANDATORY=true)")
        let negative = try #require(throws: WireError.self) { try dealer.set(.sendHighWaterMark(-1)) }
        #expect(negative.errno == EINVAL)
    }

    @Test(arguments: [Data(), Data([0, 1, 2]), Data(repeating: 65, count: 256)])
    func identitiesLibzmqReservesOrRejectsAreRefused(bytes: Data) throws {
        let context = try ZMQContext()
        let dealer = try ZMQSocket(context: context, kind: .dealer)
        let error = try #require(throws: WireError.self) { try dealer.setIdentity(PeerIdentity(bytes)) }
        #expect(error.errno == EINVAL)
    }

    @Test func closedSocketRefusesWorkAndClosingTwiceIsHarmless() throws {
        let context = try ZMQContext()
        let socket = try ZMQSocket(context: context, kind: .dealer)
        socket.close()
        socket.close(linger: .seconds(1))
        #expect(socket.isClosed)
        let error = try #require(throws: WireError.self) { try socket.send([Data("x".utf8)]) }
        #expect(error.isClosed)
        #expect(throws: WireError.self) { try socket.receive(timeout: .zero) }
        #expect(throws: WireError.self) { try socket.lastEndpoint }
    }

    @Test func sendingNoFramesIsInvalid() throws {
        let context = try ZMQContext()
        let socket = try ZMQSocket(context: context, kind: .dealer)
        let error = try #require(throws: WireError.self) { try socket.send([]) }
        #expect(error.errno == EINVAL)
    }

    @Test func pollerReportsWhichSocketIsReadable() throws {
        let context = try ZMQContext()
        let wakeSender = try ZMQSocket(context: context, kind: .pair)
        let wakeReceiver = try ZMQSocket(context: context, kind: .pair)
        try wakeReceiver.bind("inproc://wake")
        try wakeSender.connect("inproc://wake")
        let (router, _) = try Self.boundRouter(context)
        let poller = ZMQPoller([router, wakeReceiver])

        #expect(try poller.poll(timeout: .milliseconds(20)) == [])
        try wakeSender.send([Data("wake".utf8), Data()])
        #expect(try poller.poll(timeout: .seconds(10)) == [1])
        #expect(try wakeReceiver.receive(timeout: .zero) == [Data("wake".utf8), Data()])
        #expect(try poller.poll(timeout: .zero) == [])
    }

    @Test func nonBlockingSendFailsOnceTheHighWaterMarksAreReached() throws {
        let context = try ZMQContext()
        let router = try ZMQSocket(context: context, kind: .router)
        try router.set(.receiveHighWaterMark(1))
        try router.bind("inproc://full")
        let dealer = try ZMQSocket(context: context, kind: .dealer)
        try dealer.set(.sendHighWaterMark(1))
        try dealer.connect("inproc://full")

        var accepted = 0
        var refusal: WireError?
        while refusal == nil && accepted < 100 {
            do throws(WireError) {
                try dealer.send([Data("x".utf8)], blocking: false)
                accepted += 1
            } catch {
                refusal = error
            }
        }
        // Over inproc the queue holds the sender's plus the receiver's high-water mark.
        #expect((1...4).contains(accepted))
        #expect(refusal?.isWouldBlock == true)
    }

    @Test(arguments: [
        (Duration.zero, Int32(0)), (.milliseconds(-5), 0), (.microseconds(400), 1), (.milliseconds(250), 250),
        (.seconds(2) + .nanoseconds(1), 2001), (.seconds(Int64.max / 2), Int32.max),
    ])
    func durationsBecomeWholeMillisecondsRoundedUp(duration: Duration, milliseconds: Int32) {
        #expect(duration.wholeMillisecondsRoundedUp == milliseconds)
    }
}
