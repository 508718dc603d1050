#pragma once

// boxed<T>: an optional value kept on the heap. A request carries its input
// tensor and its result this way: 8 bytes when absent, so that the requests
// of pipelines that model only time stay small (they are moved at every
// hop), while copies still copy the value. It serializes as a list of zero
// or one element.

#include <memory>
#include <type_traits>
#include <vector>

namespace troupe {

template <class T>
class boxed {
public:
  boxed() = default;

  boxed(T x) : ptr_(std::make_unique<T>(std::move(x))) {
    // nop
  }

  boxed(const boxed& other)
    : ptr_(other.ptr_ ? std::make_unique<T>(*other.ptr_) : nullptr) {
    // nop
  }

  boxed(boxed&&) noexcept = default;

  boxed& operator=(const boxed& other) {
    if (this != &other)
      ptr_ = other.ptr_ ? std::make_unique<T>(*other.ptr_) : nullptr;
    return *this;
  }

  boxed& operator=(boxed&&) noexcept = default;

  explicit operator bool() const noexcept {
    return ptr_ != nullptr;
  }

  const T& operator*() const {
    return *ptr_;
  }

  T& operator*() {
    return *ptr_;
  }

  const T* operator->() const {
    return ptr_.get();
  }

  T* operator->() {
    return ptr_.get();
  }

  /// The value, made (default) first when absent.
  T& emplace() {
    if (!ptr_)
      ptr_ = std::make_unique<T>();
    return *ptr_;
  }

  void reset() {
    ptr_.reset();
  }

private:
  std::unique_ptr<T> ptr_;
};

template <class T>
bool operator==(const boxed<T>& x, const boxed<T>& y) {
  if (!x || !y)
    return !x && !y;
  return *x == *y;
}

template <class Inspector, class T>
typename std::enable_if<Inspector::reads_state,
                        typename Inspector::result_type>::type
inspect(Inspector& f, boxed<T>& x) {
  std::vector<T> list;
  if (x)
    list.push_back(*x);
  return f(list);
}

template <class Inspector, class T>
typename std::enable_if<Inspector::writes_state,
                        typename Inspector::result_type>::type
inspect(Inspector& f, boxed<T>& x) {
  std::vector<T> list;
  auto result = f(list);
  if (list.empty())
    x.reset();
  else
    x = boxed<T>{std::move(list.front())};
  return result;
}

} // namespace troupe
