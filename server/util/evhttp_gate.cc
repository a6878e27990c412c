#include "server/util/evhttp_gate.h"

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>

#include <cerrno>

#include "server/util/tls_context.h"

namespace fpgaas {
namespace {

thread_local EvhttpGate* current_gate = nullptr;

}  // namespace

EvhttpGate::EvhttpGate(event_base* base, OpenConnections* connections, ssl_ctx_st* tls)
    : base_(base), connections_(connections), tls_(tls) {
  resume_ = evtimer_new(base_, &EvhttpGate::OnPauseOver, this);
}

EvhttpGate::~EvhttpGate() {
  if (resume_ != nullptr) event_free(resume_);
}

void EvhttpGate::Install(evhttp* http, evhttp_bound_socket* bound) {
  evhttp_set_bevcb(http, &EvhttpGate::NewConnection, this);
  listener_ = bound != nullptr ? evhttp_bound_socket_get_listener(bound) : nullptr;
  if (listener_ != nullptr) evconnlistener_set_error_cb(listener_, &EvhttpGate::OnAcceptError);
}

void EvhttpGate::EnterThread() { current_gate = this; }

bufferevent* EvhttpGate::NewConnection(event_base* base, void* arg) {
  auto* gate = static_cast<EvhttpGate*>(arg);
  gate->reserve_.Reacquire();
  bufferevent* bev = gate->tls_ != nullptr
                         ? NewTlsBufferevent(base, gate->tls_)
                         : bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
  if (bev == nullptr) return nullptr;
  gate->fresh_.push_back(bev);
  if (gate->fresh_.size() == 1) {
    event_base_once(base, -1, EV_TIMEOUT, &EvhttpGate::AdmitFresh, gate, nullptr);
  }
  return bev;
}

// Runs on the loop before any of the new connections' own events.
void EvhttpGate::AdmitFresh(int, short, void* arg) {
  auto* gate = static_cast<EvhttpGate*>(arg);
  std::vector<bufferevent*> fresh;
  fresh.swap(gate->fresh_);
  for (bufferevent* bev : fresh) {
    const evutil_socket_t fd = bufferevent_getfd(bev);
    if (fd < 0 || gate->connections_->TryAdmit(fd)) continue;
    // evhttp's callbacks on the bufferevent carry its connection; freeing it closes the socket
    // (the client sees the connection closed before any answer).
    void* connection = nullptr;
    bufferevent_getcb(bev, nullptr, nullptr, nullptr, &connection);
    if (connection != nullptr) evhttp_connection_free(static_cast<evhttp_connection*>(connection));
  }
}

void EvhttpGate::OnAcceptError(evconnlistener* listener, void*) {
  const int error = errno;
  EvhttpGate* gate = current_gate;
  if (gate == nullptr || listener != gate->listener_) return;
  if (error != EMFILE && error != ENFILE) return;  // others: the next readiness retries
  if (gate->reserve_.RefuseOne(evconnlistener_get_fd(listener))) {
    gate->connections_->CountRefused(ConnectionRefusal::kOutOfDescriptors);
  }
  if (!gate->reserve_.held() && gate->resume_ != nullptr) {
    evconnlistener_disable(listener);
    const timeval pause{0, 100 * 1000};
    evtimer_add(gate->resume_, &pause);
  }
}

void EvhttpGate::OnPauseOver(int, short, void* arg) {
  auto* gate = static_cast<EvhttpGate*>(arg);
  gate->reserve_.Reacquire();
  if (gate->listener_ != nullptr) evconnlistener_enable(gate->listener_);
}

}  // namespace fpgaas
