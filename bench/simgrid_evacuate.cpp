/*
 * The SimGrid 3.32 peer of dcisim's evacuation benchmark (bench/peer-evacuate):
 * N memory images leave one host for another over a single shared link,
 * C at a time.  Each of C actors takes the next image from a shared queue
 * and moves it with Comm::sendto, which blocks until the bytes have
 * arrived; the link is shared among the transfers in flight.
 *
 *   simgrid_evacuate SIZES_FILE CONCURRENT [--cfg=...]
 *
 * SIZES_FILE holds one byte count per line (the VMs' memory, in queue
 * order).  The link is 100 Gb/s with the one-way latency given by the
 * script; the network model is CM02 (max-min sharing without TCP's
 * latency and bandwidth factors), which the script selects with --cfg.
 * Prints "makespan_s=<simulated seconds> transfers=<n>" on stdout.
 */
#include <simgrid/s4u.hpp>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace sg4 = simgrid::s4u;

namespace {

struct Queue {
  std::vector<uint64_t> bytes;
  size_t next = 0;
  size_t done = 0;
};

/* One migration slot: moves images until none is left. */
void mover(std::shared_ptr<Queue> q, sg4::Host* from, sg4::Host* to)
{
  while (q->next < q->bytes.size()) {
    uint64_t size = q->bytes[q->next++];
    sg4::Comm::sendto(from, to, size);
    q->done++;
  }
}

} // namespace

int main(int argc, char* argv[])
{
  sg4::Engine engine(&argc, argv);
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s SIZES_FILE CONCURRENT [LATENCY_S] [--cfg=...]\n", argv[0]);
    return 2;
  }
  auto q = std::make_shared<Queue>();
  std::ifstream in(argv[1]);
  for (uint64_t b; in >> b;)
    q->bytes.push_back(b);
  int concurrent = std::stoi(argv[2]);
  double latency_s = argc > 3 ? std::stod(argv[3]) : 0.0004;

  sg4::NetZone* zone = sg4::create_full_zone("dci");
  sg4::Host* src = zone->create_host("dc1", 1e9)->seal();
  sg4::Host* dst = zone->create_host("dc2", 1e9)->seal();
  sg4::Link* link = zone->create_link("dci", 100e9 / 8)->set_latency(latency_s)->seal();
  zone->add_route(src->get_netpoint(), dst->get_netpoint(), nullptr, nullptr,
                  {sg4::LinkInRoute(link)}, true);
  zone->seal();

  for (int i = 0; i < concurrent; i++)
    sg4::Actor::create("mover-" + std::to_string(i), src, mover, q, src, dst);
  engine.run();
  std::printf("makespan_s=%.9g transfers=%zu\n", sg4::Engine::get_clock(), q->done);
  return q->done == q->bytes.size() ? 0 : 1;
}
