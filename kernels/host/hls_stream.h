// A host stand-in for hls::stream (an unbounded FIFO), for the kernel wrapper's dataflow streams and
// hls4ml headers that name it. fpgaas' host build runs io_parallel projects; their layers use none.
#ifndef FPGAAS_KERNELS_HOST_HLS_STREAM_H_
#define FPGAAS_KERNELS_HOST_HLS_STREAM_H_

#include <deque>
#include <stdexcept>

namespace hls {

template <typename T>
class stream {
 public:
  stream() = default;
  explicit stream(const char*) {}
  bool empty() const { return fifo_.empty(); }
  size_t size() const { return fifo_.size(); }
  void write(const T& value) { fifo_.push_back(value); }
  T read() {
    if (fifo_.empty()) throw std::runtime_error("hls::stream: read from an empty stream");
    T value = fifo_.front();
    fifo_.pop_front();
    return value;
  }
  void operator<<(const T& value) { write(value); }
  void operator>>(T& value) { value = read(); }

 private:
  std::deque<T> fifo_;
};

}  // namespace hls

#endif  // FPGAAS_KERNELS_HOST_HLS_STREAM_H_
