#pragma once

// A `troupe node` process for cluster tests: started on a free loopback
// port, its output in a file, killed with SIGKILL (or stopped with SIGTERM)
// when the test is done with it.

#include <chrono>
#include <csignal>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace troupe::test {

/// A TCP port on 127.0.0.1 that nothing listens on right now.
inline uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0
      || ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    throw std::runtime_error("no free port");
  ::close(fd);
  return ntohs(addr.sin_port);
}

class node_process {
public:
  /// Starts `troupe node --listen 127.0.0.1:PORT --name NAME` plus `extra`
  /// arguments, writing its output to `log`; waits (at most 20 s) until it
  /// says it listens. Throws std::runtime_error with its output if it ends.
  node_process(std::string name, uint16_t port, std::string log,
               std::vector<std::string> extra = {})
    : node_process(std::move(name), "127.0.0.1:" + std::to_string(port),
                   std::move(log), std::move(extra)) {
    // nop
  }

  /// The same on the address `listen` (host:port).
  node_process(std::string name, std::string listen, std::string log,
               std::vector<std::string> extra = {})
    : name_(std::move(name)), listen_(std::move(listen)),
      log_(std::move(log)) {
    std::vector<std::string> args{TROUPE_BINARY, "node", "--listen",
                                  address(), "--name", name_};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (auto& arg : args)
      argv.push_back(arg.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t files;
    posix_spawn_file_actions_init(&files);
    posix_spawn_file_actions_addopen(&files, 1, log_.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&files, 1, 2);
    auto rc = posix_spawn(&pid_, argv[0], &files, nullptr, argv.data(),
                          environ);
    posix_spawn_file_actions_destroy(&files);
    if (rc != 0)
      throw std::runtime_error("cannot start " + std::string{TROUPE_BINARY});
    // Polls for the readiness line, not for time: bounded by the deadline.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (output().find("listening on") == std::string::npos) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error("troupe node ended: " + output());
      }
      if (std::chrono::steady_clock::now() > deadline)
        throw std::runtime_error("troupe node did not start: " + output());
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  node_process(const node_process&) = delete;
  node_process& operator=(const node_process&) = delete;

  ~node_process() {
    kill();
  }

  /// Sends `sig` (SIGKILL: as kill() does; SIGSTOP: the process freezes
  /// without closing its sockets, as a hung machine would).
  void signal(int sig) {
    if (sig == SIGKILL) {
      kill();
      return;
    }
    if (pid_ > 0)
      ::kill(pid_, sig);
  }

  /// Ends the process at once, as a crash would (a frozen one too).
  void kill() {
    if (pid_ <= 0)
      return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  std::string address() const {
    return listen_;
  }

  std::string output() const {
    std::ifstream in{log_};
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

private:
  std::string name_;
  std::string listen_;
  std::string log_;
  pid_t pid_ = -1;
};

} // namespace troupe::test
