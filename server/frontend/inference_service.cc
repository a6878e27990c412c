#include "server/frontend/inference_service.h"

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstddef>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/arena.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"
#include "grpc/grpc.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "grpcpp/support/proto_buffer_reader.h"
#include "server/frontend/auth.h"
#include "server/frontend/infer_codec.h"
#include "server/frontend/status_util.h"
#include "server/metrics/metrics.h"
#include "server/util/text.h"

namespace fpgaas::frontend {
namespace {

using inference::ModelInferRequest;
using inference::ModelInferResponse;
using inference::ModelStreamInferResponse;

// The raw request bytes as one string (only for a message that did not decode).
std::string Flatten(const grpc::ByteBuffer& raw) {
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (!raw.Dump(&slices).ok()) return bytes;
  for (const grpc::Slice& slice : slices) {
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return bytes;
}

// Decodes a raw ModelInferRequest, reading `raw` in place (it is left as it was).
bool DecodeRaw(const grpc::ByteBuffer& raw, ModelInferRequest* request) {
  // Usually one slice: parsed as one flat array, protobuf's fastest path.
  if (grpc::Slice slice; raw.TrySingleSlice(&slice).ok() && slice.size() <= INT_MAX) {
    return request->ParseFromArray(slice.begin(), static_cast<int>(slice.size()));
  }
  // The reader only reads; it takes a non-const buffer because grpc_byte_buffer_reader_init does.
  grpc::ProtoBufferReader reader(const_cast<grpc::ByteBuffer*>(&raw));
  return reader.status().ok() && request->ParseFromZeroCopyStream(&reader);
}

// For a request DecodeRaw refused: INVALID_ARGUMENT, and *salvaged holds the model name, version
// and id as far as the bytes before the damage carry them (to label the answer).
absl::Status Undecodable(const grpc::ByteBuffer& raw, ModelInferRequest* salvaged) {
  const std::string bytes = Flatten(raw);
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                                            static_cast<int>(bytes.size()));
  using google::protobuf::internal::WireFormatLite;
  while (uint32_t tag = in.ReadTag()) {
    const int field = static_cast<int>(WireFormatLite::GetTagFieldNumber(tag));
    if (WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED &&
        field >= 1 && field <= 3) {  // model_name, model_version, id
      uint32_t length = 0;
      std::string text;
      if (!in.ReadVarint32(&length) || !in.ReadString(&text, static_cast<int>(length))) break;
      if (field == 1) salvaged->set_model_name(std::move(text));
      if (field == 2) salvaged->set_model_version(std::move(text));
      if (field == 3) salvaged->set_id(std::move(text));
    } else if (!WireFormatLite::SkipField(&in, tag)) {
      break;
    }
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "the request (", raw.Length(),
      " bytes) is not a decodable inference.ModelInferRequest (protobuf wire format)"));
}

// Serializes into `out`, which must be empty (no copy of the serialized bytes).
void SerializeTo(const google::protobuf::Message& message, grpc::ByteBuffer* out) {
  bool own = false;
  grpc::SerializationTraits<google::protobuf::Message>::Serialize(message, out, &own);
}

// A unary reactor counted by an RpcTracker until gRPC is done with the RPC.
class TrackedUnaryReactor final : public grpc::ServerUnaryReactor {
 public:
  explicit TrackedUnaryReactor(RpcTracker* rpcs) : rpcs_(rpcs) { rpcs_->Started(); }
  void OnDone() override {
    rpcs_->Done();
    delete this;
  }

 private:
  RpcTracker* const rpcs_;
};

// The client's gRPC deadline expressed in `clock`'s time (the scheduler compares deadlines with
// its clock, which tests may fake).
absl::Time ClientDeadline(const grpc::CallbackServerContext* context, Clock* clock) {
  const auto deadline = context->deadline();
  if (deadline == std::chrono::system_clock::time_point::max()) return absl::InfiniteFuture();
  return clock->Now() + (absl::FromChrono(deadline) - absl::Now());
}

// A ModelStreamInfer refused before anything is read (no token): finishes at once.
class RefusedStreamReactor final : public grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  RefusedStreamReactor(RpcTracker* rpcs, const absl::Status& status) : rpcs_(rpcs) {
    rpcs_->Started();
    Finish(ToGrpcStatus(status));
  }
  void OnDone() override {
    rpcs_->Done();
    delete this;
  }

 private:
  RpcTracker* const rpcs_;
};

// Unary ModelInfer: lives from the handler until gRPC's OnDone. Holds the model version alive
// (released in OnDone, on a gRPC thread).
//
// Its reactions run inline (InternalInlineable, gRPC 1.51's hook for reactors with short
// reactions): OnDone on the gRPC thread that completes the call instead of a hop to gRPC's
// executor, a thread wake-up per call (h2load, 64 in flight: 0.85 -> 0.12 futex calls and 50 -> 22
// us of server CPU per request). Reactions gRPC would run inside our own Finish, on the caller's
// thread (a scheduler worker, or a thread shutting a scheduler down), still go to the executor:
// there OnDone could drop a reference to the model version while its scheduler is in use on
// that very thread.
class InferReactor final : public grpc::ServerUnaryReactor {
 public:
  InferReactor(RpcTracker* rpcs, grpc::ByteBuffer* response) : rpcs_(rpcs), out_(response) {
    rpcs_->Started();
  }

  bool InternalInlineable() override { return finishing_on_this_thread == 0; }

  void Start(const Principal& caller, InferenceService* service,
             grpc::CallbackServerContext* context, const grpc::ByteBuffer& raw) {
    if (!DecodeRaw(raw, &request_)) {
      ModelInferRequest salvaged;
      FinishWith(ToGrpcStatus(Undecodable(raw, &salvaged)));
      return;
    }
    // The scheduler may call done (and so Finish) before StartInference returns.
    absl::Status status = StartInference(
        caller, service->repository(), service->clock(), request_,
        ClientDeadline(context, service->clock()), CancelledFlag(), &inference_,
        [this](absl::StatusOr<InferenceResult> result) { Complete(std::move(result)); },
        &enqueued_on_, service->shared_memory());
    if (!status.ok()) FinishWith(ToGrpcStatus(status));
  }

  // gRPC calls this only after the handler returned, so enqueued_on_ is settled.
  void OnCancel() override {
    cancelled_.store(true);
    if (enqueued_on_ != nullptr) enqueued_on_->scheduler()->NotifyCancelled();
  }
  void OnDone() override {
    rpcs_->Done();
    this->~InferReactor();  // its memory is the call's (see InferenceService::ModelInfer)
  }

 private:
  void Complete(absl::StatusOr<InferenceResult> result) {
    if (!result.ok()) {
      FinishWith(ToGrpcStatus(result.status()));
      return;
    }
    if (inference_.shared_memory_outputs.empty()) {
      grpc::Slice wire;
      absl::Status encoded =
          EncodeInferResponseWire(inference_.signature, inference_.id, inference_.batch_size,
                                  *result, inference_.requested_outputs, [&wire](size_t size) {
                                    wire = grpc::Slice(size);
                                    return const_cast<uint8_t*>(wire.begin());
                                  });
      if (encoded.ok()) {
        grpc::ByteBuffer buffer(&wire, 1);
        out_->Swap(&buffer);
      }
      FinishWith(ToGrpcStatus(encoded));
      return;
    }
    // Outputs to shared memory change the message (FinishInference).
    google::protobuf::Arena& arena = response_arena_.emplace();
    auto* response = google::protobuf::Arena::CreateMessage<ModelInferResponse>(&arena);
    absl::Status encoded = FinishInference(inference_, *result, response);
    if (encoded.ok()) SerializeTo(*response, out_);
    FinishWith(ToGrpcStatus(encoded));
  }

  // The cancellation flag as InferenceRequest::cancelled: a non-owning alias of cancelled_, no
  // allocation. Safe because the scheduler reads it only until it calls `done`, and this reactor
  // lives until gRPC's OnDone, which follows the Finish that `done` leads to.
  std::shared_ptr<std::atomic<bool>> CancelledFlag() {
    return std::shared_ptr<std::atomic<bool>>(std::shared_ptr<void>(), &cancelled_);
  }

  // Finish; reactions gRPC runs before it returns go to its executor (see the class comment).
  // `this` may be gone when it returns.
  void FinishWith(const grpc::Status& status) {
    ++finishing_on_this_thread;
    Finish(status);
    --finishing_on_this_thread;
  }

  static thread_local int finishing_on_this_thread;

  RpcTracker* const rpcs_;
  grpc::ByteBuffer* const out_;  // gRPC's, sent on Finish
  // The request lives in an arena whose first block is part of this object: a small request's
  // tensors, shapes and names cost no allocation of their own, and none is freed one by one.
  alignas(std::max_align_t) char request_block_[1024];
  google::protobuf::Arena request_arena_{request_block_, sizeof(request_block_)};
  // request_'s raw input bytes are moved out when enqueued.
  ModelInferRequest& request_ =
      *google::protobuf::Arena::CreateMessage<ModelInferRequest>(&request_arena_);
  std::optional<google::protobuf::Arena> response_arena_;  // made by Complete (shared memory)
  std::atomic<bool> cancelled_{false};
  InferenceContext inference_;
  std::shared_ptr<const ServingModel> enqueued_on_;  // null when not enqueued
};

thread_local int InferReactor::finishing_on_this_thread = 0;

// ModelStreamInfer: reads requests continuously, keeps up to StreamLimits::max_pending_responses
// of them between read and written (in flight or answered), and writes each response (or
// error_message) as its request completes. gRPC allows one outstanding write, so responses queue
// here; at the bound the stream stops reading until writes complete (HTTP/2 flow control then
// holds the client), and the service's watchdog cancels a stream whose write stalls for
// write_timeout. Finishes OK once the client half-closed and everything is answered; a cancelled
// stream cancels its in-flight requests. StartRead/StartWrite/Finish are never called with mu_
// held (gRPC may run reactions inline).
class StreamInferReactor final : public grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>,
                                 public DrainableStream {
 public:
  StreamInferReactor(InferenceService* service, grpc::CallbackServerContext* context,
                     Principal caller)
      : service_(service),
        context_(context),
        caller_(caller),
        client_deadline_(ClientDeadline(context, service->clock())) {
    service_->rpcs()->Started();
    service_->AddStream(this);
    {
      absl::MutexLock lock(&mu_);
      reading_ = true;
    }
    StartRead(&raw_);
  }

  bool CancelIfWriteStalled(absl::Time now, absl::Duration timeout) override {
    {
      absl::MutexLock lock(&mu_);
      if (!writing_ || finished_ || stall_cancelled_ || now - write_started_ < timeout) {
        return false;
      }
      stall_cancelled_ = true;
    }
    // gRPC may run OnCancel and even OnDone inline in TryCancel, on this thread; OnDone knows it
    // from cancelling_on_this_thread and does not wait for context_mu_, which this thread holds.
    absl::MutexLock lock(&context_mu_);
    if (context_ == nullptr) return false;  // done meanwhile
    cancelling_on_this_thread = this;
    context_->TryCancel();
    cancelling_on_this_thread = nullptr;
    return true;
  }

  // While draining no new read starts: the stream finishes once what it holds is answered.
  void Drain() override {
    bool finish;
    {
      absl::MutexLock lock(&mu_);
      draining_ = true;
      finish = ShouldFinishLocked();
    }
    if (finish) Finish(grpc::Status::OK);
  }
  void Pin() override { refs_.fetch_add(1); }
  void Unpin() override {
    if (refs_.fetch_sub(1) == 1) delete this;
  }

  void OnReadDone(bool ok) override {
    {
      absl::MutexLock lock(&mu_);
      reading_ = false;
    }
    if (!ok) {
      {
        absl::MutexLock lock(&mu_);
        reads_done_ = true;
      }
      MaybeFinish();
      return;
    }
    const bool refuse = service_->draining();
    {
      absl::MutexLock lock(&mu_);
      if (finished_) return;  // a drain finished the stream while this read was outstanding
      ++in_flight_;  // before enqueueing: done may run before StartInference returns
      if (refuse) draining_ = true;  // no further read
    }
    ++messages_;
    if (!DecodeRaw(raw_, &read_)) {
      ModelInferRequest salvaged;
      const absl::Status decoded = Undecodable(raw_, &salvaged);
      // Answered like any bad request (labelled with what of its ids survived); the stream goes on.
      auto response = std::make_unique<ModelStreamInferResponse>();
      response->set_error_message(
          absl::StrCat("stream message #", messages_, ": ", decoded.message()));
      response->mutable_infer_response()->set_model_name(salvaged.model_name());
      response->mutable_infer_response()->set_model_version(salvaged.model_version());
      response->mutable_infer_response()->set_id(salvaged.id());
      Send(std::move(response), /*completes_request=*/true);
      ReadNext();
      return;
    }
    if (refuse) {
      auto response = std::make_unique<ModelStreamInferResponse>();
      response->set_error_message("server is shutting down: request not run");
      response->mutable_infer_response()->set_model_name(read_.model_name());
      response->mutable_infer_response()->set_model_version(read_.model_version());
      response->mutable_infer_response()->set_id(read_.id());
      Send(std::move(response), /*completes_request=*/true);
      return;
    }
    auto context = std::make_unique<InferenceContext>();
    InferenceContext* context_view = context.get();
    std::shared_ptr<const ServingModel> enqueued_on;
    absl::Status status = StartInference(
        caller_, service_->repository(), service_->clock(), read_, client_deadline_, cancelled_,
        context_view,
        [this, context = std::move(context)](absl::StatusOr<InferenceResult> result) {
          OnInferenceDone(*context, std::move(result));
        },
        &enqueued_on, service_->shared_memory());
    if (status.ok()) {
      RememberScheduler(enqueued_on);
    } else {
      auto response = std::make_unique<ModelStreamInferResponse>();
      response->set_error_message(std::string(status.message()));
      response->mutable_infer_response()->set_model_name(read_.model_name());
      response->mutable_infer_response()->set_model_version(read_.model_version());
      response->mutable_infer_response()->set_id(read_.id());
      Send(std::move(response), /*completes_request=*/true);
    }
    ReadNext();
  }

  void OnWriteDone(bool ok) override {
    const grpc::ByteBuffer* next = nullptr;
    bool resume_reading = false;
    const absl::Time now = service_->clock()->Now();
    {
      absl::MutexLock lock(&mu_);
      pending_bytes_ -= static_cast<int64_t>(writes_.front()->Length());
      writes_.pop_front();
      if (!ok) {
        // The client is gone (or the stream was cancelled); answers still arriving are dropped.
        write_broken_ = true;
        writes_.clear();
        pending_bytes_ = 0;
        if (!reading_) reads_done_ = true;  // paused: no read will report the end
      }
      if (!writes_.empty()) {
        next = writes_.front().get();
        write_started_ = now;
      } else {
        writing_ = false;
      }
      if (read_paused_ && !OverBoundLocked() && !write_broken_ && !reads_done_ && !draining_ &&
          !finished_) {
        read_paused_ = false;
        reading_ = true;
        resume_reading = true;
      }
    }
    if (resume_reading) StartRead(&raw_);
    if (next != nullptr) {
      StartWrite(next);
    } else {
      MaybeFinish();
    }
  }

  void OnCancel() override {
    cancelled_->store(true);
    std::vector<std::shared_ptr<const ServingModel>> models;
    {
      absl::MutexLock lock(&mu_);
      // A stream paused at its bound has no read to report the end. Its end comes from the
      // pending answers: their write fails, then MaybeFinish.
      if (!reading_) reads_done_ = true;
      for (const auto& weak : enqueued_on_) {
        if (auto model = weak.lock()) models.push_back(std::move(model));
      }
    }
    for (const auto& model : models) model->scheduler()->NotifyCancelled();
  }
  void OnDone() override {
    if (cancelling_on_this_thread == this) {
      // Inline in CancelIfWriteStalled's TryCancel: this thread already holds context_mu_.
      context_mu_.AssertHeld();
      context_ = nullptr;
    } else {
      absl::MutexLock lock(&context_mu_);
      context_ = nullptr;
    }
    service_->RemoveStream(this);
    service_->rpcs()->Done();
    Unpin();
  }

 private:
  ~StreamInferReactor() override = default;

  bool OverBoundLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    const StreamLimits& limits = service_->stream_limits();
    return in_flight_ + static_cast<int64_t>(writes_.size()) >= limits.max_pending_responses ||
           pending_bytes_ >= limits.max_pending_bytes;
  }

  // Starts the next read, unless draining or at the bound (OnWriteDone resumes reading then).
  void ReadNext() {
    read_.Clear();
    raw_.Clear();
    bool read_more;
    {
      absl::MutexLock lock(&mu_);
      read_more = !draining_ && !reads_done_ && !finished_;
      if (read_more && OverBoundLocked()) {
        read_paused_ = true;
        read_more = false;
      }
      if (read_more) reading_ = true;
    }
    if (read_more) StartRead(&raw_);
  }

  // Lists `model` for OnCancel (weakly: the stream must not keep an unloaded version alive).
  void RememberScheduler(const std::shared_ptr<const ServingModel>& model) {
    {
      absl::MutexLock lock(&mu_);
      enqueued_on_.erase(std::remove_if(enqueued_on_.begin(), enqueued_on_.end(),
                                        [](const auto& weak) { return weak.expired(); }),
                         enqueued_on_.end());
      const bool listed =
          std::any_of(enqueued_on_.begin(), enqueued_on_.end(), [&model](const auto& weak) {
            return !weak.owner_before(model) && !model.owner_before(weak);
          });
      if (!listed) enqueued_on_.push_back(model);
    }
    // OnCancel sets the flag before reading the list under mu_: if it ran before the model was
    // listed, the flag is visible here.
    if (cancelled_->load()) model->scheduler()->NotifyCancelled();
  }

  void OnInferenceDone(const InferenceContext& context, absl::StatusOr<InferenceResult> result) {
    auto response = std::make_unique<ModelStreamInferResponse>();
    absl::Status status = result.status();
    if (status.ok()) {
      status = FinishInference(context, *result, response->mutable_infer_response());
    }
    if (!status.ok()) {
      response->Clear();
      response->set_error_message(std::string(status.message()));
      response->mutable_infer_response()->set_model_name(context.model->name());
      response->mutable_infer_response()->set_model_version(absl::StrCat(context.model->version()));
      response->mutable_infer_response()->set_id(context.id);
    }
    Send(std::move(response), /*completes_request=*/true);  // may finish the stream: last action
  }

  // Queues one response and starts writing if no write is outstanding; finishes the stream when
  // this was the last answer of a stream whose client is gone. Callers must not touch the reactor
  // afterwards (the stream may be done and deleted).
  void Send(std::unique_ptr<ModelStreamInferResponse> response, bool completes_request) {
    const grpc::ByteBuffer* start = nullptr;
    bool finish = false;
    auto serialized = std::make_unique<grpc::ByteBuffer>();
    SerializeTo(*response, serialized.get());
    response.reset();
    const absl::Time now = service_->clock()->Now();
    {
      absl::MutexLock lock(&mu_);
      if (completes_request) --in_flight_;
      if (!write_broken_) {
        pending_bytes_ += static_cast<int64_t>(serialized->Length());
        writes_.push_back(std::move(serialized));
        if (!writing_) {
          writing_ = true;
          write_started_ = now;
          start = writes_.front().get();
        }
      } else {
        finish = ShouldFinishLocked();
      }
    }
    if (start != nullptr) {
      StartWrite(start);
    } else if (finish) {
      Finish(grpc::Status::OK);
    }
  }

  bool ShouldFinishLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_ || !(reads_done_ || draining_) || in_flight_ > 0 || writing_) return false;
    finished_ = true;
    return true;
  }

  void MaybeFinish() {
    bool finish;
    {
      absl::MutexLock lock(&mu_);
      finish = ShouldFinishLocked();
    }
    if (finish) Finish(grpc::Status::OK);
  }

  // Set while CancelIfWriteStalled runs TryCancel on this thread (see OnDone).
  static thread_local const StreamInferReactor* cancelling_on_this_thread;

  InferenceService* const service_;
  // gRPC's, valid until OnDone; CancelIfWriteStalled (another thread) uses it under context_mu_.
  absl::Mutex context_mu_;
  grpc::CallbackServerContext* context_ ABSL_GUARDED_BY(context_mu_);
  const Principal caller_;  // authenticated when the stream opened; authorized per request
  const absl::Time client_deadline_;
  // Shared by every request of the stream: cancelling the stream cancels them all.
  const std::shared_ptr<std::atomic<bool>> cancelled_ = std::make_shared<std::atomic<bool>>(false);
  // Only touched between StartRead and OnReadDone (and read_ until StartInference returns).
  grpc::ByteBuffer raw_;
  ModelInferRequest read_;
  int64_t messages_ = 0;  // read so far

  absl::Mutex mu_;
  std::deque<std::unique_ptr<grpc::ByteBuffer>> writes_ ABSL_GUARDED_BY(mu_);
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;  // read, not yet answered
  // Model versions this stream enqueued on (few: usually one).
  std::vector<std::weak_ptr<const ServingModel>> enqueued_on_ ABSL_GUARDED_BY(mu_);
  bool reads_done_ ABSL_GUARDED_BY(mu_) = false;
  bool reading_ ABSL_GUARDED_BY(mu_) = false;      // a StartRead is outstanding
  bool read_paused_ ABSL_GUARDED_BY(mu_) = false;  // not reading: at the bound
  int64_t pending_bytes_ ABSL_GUARDED_BY(mu_) = 0;  // of writes_
  absl::Time write_started_ ABSL_GUARDED_BY(mu_);  // of the outstanding write (clock time)
  bool stall_cancelled_ ABSL_GUARDED_BY(mu_) = false;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool write_broken_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool draining_ ABSL_GUARDED_BY(mu_) = false;
  std::atomic<int> refs_{1};  // gRPC's (dropped in OnDone) + the service's pins
};

thread_local const StreamInferReactor* StreamInferReactor::cancelling_on_this_thread = nullptr;

}  // namespace

bool RpcTracker::AwaitIdle(absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  return mu_.AwaitWithDeadline(
      absl::Condition(
          +[](std::atomic<int64_t>* in_flight) { return in_flight->load() == 0; }, &in_flight_),
      deadline);
}

InferenceService::InferenceService(InferenceServiceOptions options)
    : authorizer_(options.authorizer != nullptr ? std::move(options.authorizer)
                                                : std::make_shared<const Authorizer>()),
      stream_limits_(options.stream_limits),
      metrics_(options.metrics),
      core_(std::move(options.core)) {
  if (stream_limits_.write_timeout > absl::ZeroDuration() &&
      stream_limits_.write_timeout != absl::InfiniteDuration()) {
    watch_thread_ = std::thread([this] { WatchStalledStreams(); });
  }
}

void InferenceService::WatchStalledStreams() {
  Clock* clock = core_.clock();
  const absl::Duration period = stream_limits_.write_timeout / 4;
  for (;;) {
    {
      absl::MutexLock lock(&watch_mu_);
      if (!watch_stop_) clock->WaitWithDeadline(&watch_mu_, &watch_cv_, clock->Now() + period);
      if (watch_stop_) return;
    }
    std::vector<DrainableStream*> streams;
    {
      absl::MutexLock lock(&streams_mu_);
      for (DrainableStream* stream : streams_) {
        stream->Pin();
        streams.push_back(stream);
      }
    }
    // No lock held: cancelling may run the stream's OnDone inline (RemoveStream takes
    // streams_mu_).
    const absl::Time now = clock->Now();
    for (DrainableStream* stream : streams) {
      if (stream->CancelIfWriteStalled(now, stream_limits_.write_timeout)) {
        stalled_streams_cancelled_.fetch_add(1);
        if (metrics_ != nullptr) metrics_->RecordStalledStreamCancelled();
      }
      stream->Unpin();
    }
  }
}

grpc::ServerUnaryReactor* InferenceService::TrackedReactor() {
  return new TrackedUnaryReactor(&rpcs_);
}

grpc::ServerUnaryReactor* InferenceService::FinishNow(grpc::CallbackServerContext*,
                                                      const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = TrackedReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

InferenceService::~InferenceService() {
  {
    absl::MutexLock lock(&watch_mu_);
    watch_stop_ = true;
    watch_cv_.SignalAll();
  }
  if (watch_thread_.joinable()) watch_thread_.join();
}

void InferenceService::AddStream(DrainableStream* stream) {
  absl::MutexLock lock(&streams_mu_);
  streams_.insert(stream);
}

void InferenceService::RemoveStream(DrainableStream* stream) {
  absl::MutexLock lock(&streams_mu_);
  streams_.erase(stream);
}

void InferenceService::StartDraining() {
  core_.StartDraining();
  std::vector<DrainableStream*> streams;
  {
    absl::MutexLock lock(&streams_mu_);
    for (DrainableStream* stream : streams_) {
      stream->Pin();
      streams.push_back(stream);
    }
  }
  // Drain may finish a stream, and gRPC may run its OnDone inline (which takes streams_mu_).
  for (DrainableStream* stream : streams) {
    stream->Drain();
    stream->Unpin();
  }
}

grpc::ServerUnaryReactor* InferenceService::ServerLive(grpc::CallbackServerContext* context,
                                                       const inference::ServerLiveRequest*,
                                                       inference::ServerLiveResponse* response) {
  return Admit(context, [&](const Principal& caller) {
    absl::Status status = core_.ServerLive(caller);
    response->set_live(status.ok());
    return status;
  });
}

grpc::ServerUnaryReactor* InferenceService::ServerReady(grpc::CallbackServerContext* context,
                                                        const inference::ServerReadyRequest*,
                                                        inference::ServerReadyResponse* response) {
  return Admit(context, [&](const Principal& caller) {
    absl::StatusOr<bool> ready = core_.ServerReady(caller);
    if (!ready.ok()) return ready.status();
    response->set_ready(*ready);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* InferenceService::ModelReady(grpc::CallbackServerContext* context,
                                                       const inference::ModelReadyRequest* request,
                                                       inference::ModelReadyResponse* response) {
  return Admit(context, [&](const Principal& caller) {
    absl::StatusOr<bool> ready = core_.ModelReady(caller, *request);
    if (!ready.ok()) return ready.status();
    response->set_ready(*ready);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* InferenceService::ServerMetadata(
    grpc::CallbackServerContext* context, const inference::ServerMetadataRequest*,
    inference::ServerMetadataResponse* response) {
  return Admit(context,
               [&](const Principal& caller) { return core_.ServerMetadata(caller, response); });
}

grpc::ServerUnaryReactor* InferenceService::ModelMetadata(
    grpc::CallbackServerContext* context, const inference::ModelMetadataRequest* request,
    inference::ModelMetadataResponse* response) {
  return Admit(context, [&](const Principal& caller) {
    return core_.ModelMetadata(caller, *request, response);
  });
}

grpc::ServerUnaryReactor* InferenceService::ModelConfig(
    grpc::CallbackServerContext* context, const inference::ModelConfigRequest* request,
    inference::ModelConfigResponse* response) {
  return Admit(context, [&](const Principal& caller) {
    return core_.ModelConfig(caller, *request, response);
  });
}

grpc::ServerUnaryReactor* InferenceService::ModelInfer(grpc::CallbackServerContext* context,
                                                       const grpc::ByteBuffer* request,
                                                       grpc::ByteBuffer* response) {
  return Admit(context, [&](const Principal& caller) -> grpc::ServerUnaryReactor* {
    // In the call's arena (gRPC's per-call memory, sized from earlier calls: no malloc for this
    // multi-kB object); OnDone destroys it, and gRPC frees the arena with the call after OnDone.
    void* memory = grpc_call_arena_alloc(context->c_call(), sizeof(InferReactor));
    auto* reactor = new (memory) InferReactor(&rpcs_, response);
    reactor->Start(caller, this, context, *request);
    return reactor;
  });
}

grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* InferenceService::ModelStreamInfer(grpc::CallbackServerContext* context) {
  // The stream's door: authenticated once here; each request is authorized for its model.
  absl::StatusOr<Principal> caller = authorizer_->Authenticate(*context);
  if (!caller.ok()) return new RefusedStreamReactor(&rpcs_, caller.status());
  return new StreamInferReactor(this, context, *caller);
}

grpc::ServerUnaryReactor* InferenceService::ModelStatistics(
    grpc::CallbackServerContext* context, const inference::ModelStatisticsRequest* request,
    inference::ModelStatisticsResponse* response) {
  return Admit(context, [&](const Principal& caller) {
    return core_.ModelStatistics(caller, *request, response);
  });
}

grpc::ServerUnaryReactor* InferenceService::RepositoryIndex(
    grpc::CallbackServerContext* context, const inference::RepositoryIndexRequest* request,
    inference::RepositoryIndexResponse* response) {
  return Admit(context, [&](const Principal& caller) {
    return core_.RepositoryIndex(caller, *request, response);
  });
}

grpc::ServerUnaryReactor* InferenceService::RepositoryModelLoad(
    grpc::CallbackServerContext* context, const inference::RepositoryModelLoadRequest* request,
    inference::RepositoryModelLoadResponse*) {
  return Admit(context, [&](const Principal& caller) {
    grpc::ServerUnaryReactor* reactor = TrackedReactor();
    core_.RepositoryModelLoad(caller, *request, [reactor](absl::Status status) {
      reactor->Finish(ToGrpcStatus(status));
    });
    return reactor;
  });
}

grpc::ServerUnaryReactor* InferenceService::RepositoryModelUnload(
    grpc::CallbackServerContext* context, const inference::RepositoryModelUnloadRequest* request,
    inference::RepositoryModelUnloadResponse*) {
  return Admit(context, [&](const Principal& caller) {
    grpc::ServerUnaryReactor* reactor = TrackedReactor();
    core_.RepositoryModelUnload(caller, *request, [reactor](absl::Status status) {
      reactor->Finish(ToGrpcStatus(status));
    });
    return reactor;
  });
}

// The shared-memory RPCs are quick (a map lookup, or shm_open + mmap): answered on gRPC's thread.
// Regions belong to no model: status is a server-wide read (Permission::kServer); register and
// unregister make fpgaasd map (or drop) memory of the caller's choosing and need the
// REPOSITORY_ADMIN role (the single --auth-token-file token has it); --allow-client-shm gates them.
#define FPGAAS_SHM_RPC(Rpc, Needed, Call)                                                \
  grpc::ServerUnaryReactor* InferenceService::Rpc(                                       \
      grpc::CallbackServerContext* context, const inference::Rpc##Request* request,      \
      inference::Rpc##Response* response) {                                              \
    (void)response;                                                                      \
    return Admit(context, [&](const Principal& caller) {                                 \
      if (absl::Status allowed = caller.Authorize(Needed, ""); !allowed.ok()) {          \
        return allowed;                                                                  \
      }                                                                                  \
      return Call;                                                                       \
    });                                                                                  \
  }
FPGAAS_SHM_RPC(SystemSharedMemoryStatus, Permission::kServer,
               shared_memory()->SystemStatus(*request, response))
FPGAAS_SHM_RPC(SystemSharedMemoryRegister, Permission::kRepositoryAdmin,
               shared_memory()->SystemRegister(*request))
FPGAAS_SHM_RPC(SystemSharedMemoryUnregister, Permission::kRepositoryAdmin,
               shared_memory()->SystemUnregister(*request))
FPGAAS_SHM_RPC(CudaSharedMemoryStatus, Permission::kServer,
               shared_memory()->CudaStatus(*request, response))
FPGAAS_SHM_RPC(CudaSharedMemoryRegister, Permission::kRepositoryAdmin,
               shared_memory()->CudaRegister(*request))
FPGAAS_SHM_RPC(CudaSharedMemoryUnregister, Permission::kRepositoryAdmin,
               shared_memory()->CudaUnregister(*request))
#undef FPGAAS_SHM_RPC

}  // namespace fpgaas::frontend
