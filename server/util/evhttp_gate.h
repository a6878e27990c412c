// The door of an evhttp port (HTTP/REST, /metrics): every accepted connection gets its bufferevent
// here (TLS or plain) and is counted against the port's OpenConnections; one over the limit is
// closed at once, before evhttp reads from it. When accept() runs out of descriptors, the pending
// connection is refused with a reserve descriptor (libevent 2.1's listener, given no error
// callback, logs "Error from accept() call" and returns with the socket still readable, so its
// loop would call accept() again at once, spinning while EMFILE lasts, and the client would wait
// in the listen queue); if even the reserve cannot be taken back, the listener pauses 100 ms.
//
// libevent passes the listener's error callback only evhttp's own pointer, so that callback finds
// the gate through the event-loop thread it runs on: each loop thread calls EnterThread() before
// it dispatches. Thread-safety: everything on the loop's thread (Install also before the loop
// runs); the destructor after the loop stopped, before event_base_free.
#ifndef FPGAAS_SERVER_UTIL_EVHTTP_GATE_H_
#define FPGAAS_SERVER_UTIL_EVHTTP_GATE_H_

#include <vector>

#include "server/util/open_connections.h"

struct bufferevent;
struct event;
struct event_base;
struct evconnlistener;
struct evhttp;
struct evhttp_bound_socket;
struct ssl_ctx_st;  // SSL_CTX

namespace fpgaas {

class EvhttpGate {
 public:
  // `connections` (not owned, required) is the port's count, shared by the gates of all its loops;
  // `tls` (not owned, may be null: plain HTTP) an SSL_CTX from MakeServerSslContext.
  EvhttpGate(event_base* base, OpenConnections* connections, ssl_ctx_st* tls);
  ~EvhttpGate();
  EvhttpGate(const EvhttpGate&) = delete;
  EvhttpGate& operator=(const EvhttpGate&) = delete;

  // Makes `http` (on this gate's base) create its connections here and guards `bound`'s listener.
  void Install(evhttp* http, evhttp_bound_socket* bound);
  // The listener is about to be removed (evhttp_del_accept_socket): no more re-enabling.
  void Forget() { listener_ = nullptr; }
  // On the loop thread, before event_base_dispatch.
  void EnterThread();

 private:
  static bufferevent* NewConnection(event_base* base, void* gate);
  static void AdmitFresh(int fd, short what, void* gate);
  static void OnAcceptError(evconnlistener* listener, void* evhttp);
  static void OnPauseOver(int fd, short what, void* gate);

  event_base* const base_;
  OpenConnections* const connections_;
  ssl_ctx_st* const tls_;
  ReserveDescriptor reserve_;
  evconnlistener* listener_ = nullptr;
  event* resume_ = nullptr;  // timer ending a pause
  // Connections made since the loop last ran: NewConnection creates their bufferevent before
  // evhttp gives it the socket; AdmitFresh counts them once it has.
  std::vector<bufferevent*> fresh_;
};

}  // namespace fpgaas

#endif  // FPGAAS_SERVER_UTIL_EVHTTP_GATE_H_
