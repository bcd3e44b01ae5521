/** Test helpers for the reference server: an in-process server, real clients and a raw socket. */
export { startTestServer, type TestServer } from "./test-server";
export { connectClient, errorsOf, stopQuietly, type ConnectClientOptions, type TestMechanism } from "./client";
export { rawSocket, rawLogin, rawSession, parseElement, streamErrorOf, type RawSocket, type StreamErrorInfo } from "./raw-socket";
export { smSession, smResume, type SmClient } from "./sm-client";
