/*
 * Packet-level reference cases for dcisim's flow-plus-queue model, in ns-3
 * 3.37 (Debian libns3-dev).  One dumbbell: senders -- r1 ==bottleneck== r2 --
 * receiver; the bottleneck is 1 Gb/s with a drop-tail device queue of the
 * given bytes (no traffic-control queue disc), the access links 10 Gb/s
 * whose delays set each sender's base RTT.  TCP is CUBIC (ns-3's TcpCubic,
 * RFC 8312 parameters b = 0.7, C = 0.4; ns-3 3.37's has HyStart but not the
 * TCP-friendly region of RFC 8312 §4.2 that Linux has), or NewReno with
 * NS3_CC=newreno in the environment; MSS 1460 without timestamps, so an IP
 * packet is 1500 bytes as in dcisim's lan_mtu 1500.
 *
 * Cases (name, then key=value parameters), each printing CSV rows
 * "case,metric,value" on stdout:
 *   window   rtt_ms W_bytes buf_bytes     one flow whose receive window is W
 *   loss     rtt_ms loss buf_bytes        one bulk flow with random loss, an
 *                                         ACK per segment (Mathis C = 1.22)
 *   tworrt   rtt1_ms rtt2_ms buf_bytes    two bulk flows of different RTT
 *   reqresp  rtt_ms nbulk buf_bytes       a 100-byte request every 1 ms
 *            through the bottleneck beside nbulk bulk flows, echoed back
 * Metrics: goodput_Bps of each flow over [warm, end), and for requests the
 * mean and 99th percentile of their round trip in ms, all measured after a
 * warm-up of a third of the run.
 *
 * Usage: ns3_tcp_cases CASE SECONDS [params...]
 * This program only measures; scripts/ns3-validation runs the same cases
 * through dcisim (tests/validation/dcisim_tcp_cases.c) and compares.
 */
#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/traffic-control-module.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

/* Echo probe: a request of `size` bytes every `gap`, timestamped; the round
 * trip of each echo that arrives after `warm` is kept. */
class Prober : public Application
{
  public:
    void Setup(Address peer, uint32_t size, Time gap, Time warm)
    {
        m_peer = peer;
        m_size = size;
        m_gap = gap;
        m_warm = warm;
    }

    std::vector<double> rtt_ms;

  private:
    void StartApplication() override
    {
        m_sock = Socket::CreateSocket(GetNode(), UdpSocketFactory::GetTypeId());
        m_sock->Bind();
        m_sock->Connect(m_peer);
        m_sock->SetRecvCallback(MakeCallback(&Prober::Receive, this));
        Send();
    }

    void StopApplication() override
    {
        m_event.Cancel();
        if (m_sock)
            m_sock->Close();
    }

    void Send()
    {
        SeqTsHeader h;
        h.SetSeq(m_seq++);
        Ptr<Packet> p = Create<Packet>(m_size > h.GetSerializedSize() ? m_size - h.GetSerializedSize() : 0);
        p->AddHeader(h);
        m_sock->Send(p);
        m_event = Simulator::Schedule(m_gap, &Prober::Send, this);
    }

    void Receive(Ptr<Socket> s)
    {
        Ptr<Packet> p;
        while ((p = s->Recv()))
        {
            SeqTsHeader h;
            p->RemoveHeader(h);
            if (h.GetTs() >= m_warm)
                rtt_ms.push_back((Simulator::Now() - h.GetTs()).GetSeconds() * 1e3);
        }
    }

    Ptr<Socket> m_sock;
    Address m_peer;
    uint32_t m_size = 100;
    Time m_gap;
    Time m_warm;
    uint32_t m_seq = 0;
    EventId m_event;
};

struct Net
{
    NodeContainer senders, routers, receiver;
    Ipv4Address rx_addr;
};

/* n senders with one-way access delays acc_ms[i]; the bottleneck's one-way
 * delay bn_ms; a buffer of buf bytes in front of it (r1 -> r2). */
Net Build(const std::vector<double>& acc_ms, double bn_ms, uint32_t buf, double loss)
{
    Net n;
    n.senders.Create(acc_ms.size());
    n.routers.Create(2);
    n.receiver.Create(1);
    InternetStackHelper stack;
    stack.InstallAll();
    Ipv4AddressHelper addr;
    PointToPointHelper acc;
    acc.SetDeviceAttribute("DataRate", StringValue("10Gbps"));
    acc.SetQueue("ns3::DropTailQueue", "MaxSize", StringValue("100000p"));
    TrafficControlHelper tch;
    char net[32];
    for (size_t i = 0; i < acc_ms.size(); i++)
    {
        char d[32];
        snprintf(d, sizeof(d), "%.9fms", acc_ms[i]);
        acc.SetChannelAttribute("Delay", StringValue(d));
        NetDeviceContainer dev = acc.Install(n.senders.Get(i), n.routers.Get(0));
        snprintf(net, sizeof(net), "10.1.%zu.0", i + 1);
        addr.SetBase(net, "255.255.255.0");
        addr.Assign(dev);
        tch.Uninstall(dev); /* the address installed a queue disc: none wanted */
    }
    PointToPointHelper bn;
    bn.SetDeviceAttribute("DataRate", StringValue("1Gbps"));
    char d[32], q[32];
    snprintf(d, sizeof(d), "%.9fms", bn_ms);
    snprintf(q, sizeof(q), "%uB", buf);
    bn.SetChannelAttribute("Delay", StringValue(d));
    bn.SetQueue("ns3::DropTailQueue", "MaxSize", StringValue(q));
    NetDeviceContainer bdev = bn.Install(n.routers.Get(0), n.routers.Get(1));
    addr.SetBase("10.2.1.0", "255.255.255.0");
    addr.Assign(bdev);
    tch.Uninstall(bdev);
    if (loss > 0)
    {
        Ptr<RateErrorModel> em = CreateObject<RateErrorModel>();
        em->SetAttribute("ErrorUnit", StringValue("ERROR_UNIT_PACKET"));
        em->SetAttribute("ErrorRate", DoubleValue(loss));
        em->SetAttribute("RanVar", StringValue("ns3::UniformRandomVariable[Min=0.0|Max=1.0]"));
        bdev.Get(1)->SetAttribute("ReceiveErrorModel", PointerValue(em));
    }
    acc.SetChannelAttribute("Delay", StringValue("0.001ms"));
    NetDeviceContainer rdev = acc.Install(n.routers.Get(1), n.receiver.Get(0));
    addr.SetBase("10.3.1.0", "255.255.255.0");
    Ipv4InterfaceContainer ri = addr.Assign(rdev);
    tch.Uninstall(rdev);
    n.rx_addr = ri.GetAddress(1);
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();
    return n;
}

Ptr<PacketSink> Bulk(Net& n, size_t sender, uint16_t port, double start_s)
{
    PacketSinkHelper sink("ns3::TcpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), port));
    ApplicationContainer s = sink.Install(n.receiver.Get(0));
    s.Start(Seconds(0));
    BulkSendHelper src("ns3::TcpSocketFactory", InetSocketAddress(n.rx_addr, port));
    src.SetAttribute("MaxBytes", UintegerValue(0));
    src.SetAttribute("SendSize", UintegerValue(65536));
    ApplicationContainer a = src.Install(n.senders.Get(sender));
    a.Start(Seconds(start_s));
    return DynamicCast<PacketSink>(s.Get(0));
}

struct Meter
{
    std::vector<Ptr<PacketSink>> sinks;
    std::vector<uint64_t> at_warm;
};

void Mark(Meter* m)
{
    m->at_warm.clear();
    for (auto& s : m->sinks)
        m->at_warm.push_back(s->GetTotalRx());
}

double Percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return NAN;
    std::sort(v.begin(), v.end());
    size_t i = (size_t)(p * (double)(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
}

double Arg(int argc, char** argv, int i, double def)
{
    return i < argc ? atof(argv[i]) : def;
}

/* Socket buffers: the receive window caps a flow (the window case sets it);
 * the send buffer only needs to keep the window full, and a larger one only
 * slows ns-3's transmit-buffer scans. */
void Defaults(uint32_t rcvbuf, uint32_t sndbuf)
{
    /* NS3_CC=newreno for the Reno reference (see the header). */
    const char* cc = getenv("NS3_CC");
    Config::SetDefault("ns3::TcpL4Protocol::SocketType",
                       TypeIdValue(cc && !strcmp(cc, "newreno") ? TcpNewReno::GetTypeId()
                                                                : TcpCubic::GetTypeId()));
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1460));
    Config::SetDefault("ns3::TcpSocketBase::Timestamp", BooleanValue(false));
    Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(sndbuf));
    Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(rcvbuf));
    Config::SetDefault("ns3::TcpSocket::InitialCwnd", UintegerValue(10));
    if (getenv("NS3_NOSACK"))
        Config::SetDefault("ns3::TcpSocketBase::Sack", BooleanValue(false));
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 3)
    {
        fprintf(stderr, "usage: ns3_tcp_cases CASE SECONDS [params...]\n");
        return 2;
    }
    std::string c = argv[1];
    double T = atof(argv[2]);
    double warm = T / 3;
    RngSeedManager::SetSeed(1);
    Meter m;
    Ptr<Prober> probe;
    /* Base RTT = 2 x (access + bottleneck + last hop); the bottleneck's
     * one-way delay is 0.1 ms, the rest is in the access links. */
    const double bn_ms = 0.1, last_ms = 0.001;
    if (c == "window")
    {
        double rtt = Arg(argc, argv, 3, 20), w = Arg(argc, argv, 4, 262144);
        uint32_t buf = (uint32_t)Arg(argc, argv, 5, 5e6);
        Defaults((uint32_t)w, (uint32_t)(2 * w));
        Net n = Build({rtt / 2 - bn_ms - last_ms}, bn_ms, buf, 0);
        m.sinks.push_back(Bulk(n, 0, 5000, 0.01));
        probe = CreateObject<Prober>();
        probe->Setup(InetSocketAddress(n.rx_addr, 9), 100, MilliSeconds(5), Seconds(warm));
        n.senders.Get(0)->AddApplication(probe);
        probe->SetStartTime(Seconds(0.02));
        UdpEchoServerHelper echo(9);
        echo.Install(n.receiver.Get(0)).Start(Seconds(0));
    }
    else if (c == "loss")
    {
        double rtt = Arg(argc, argv, 3, 20), loss = Arg(argc, argv, 4, 1e-4);
        uint32_t buf = (uint32_t)Arg(argc, argv, 5, 5e6);
        uint32_t cap = (uint32_t)(2 * (1.25e8 * rtt / 1e3 + buf));
        Defaults(cap, cap);
        /* An ACK per segment, as the Mathis constant 1.22 assumes (SPEC §4.1). */
        Config::SetDefault("ns3::TcpSocket::DelAckCount", UintegerValue(1));
        Net n = Build({rtt / 2 - bn_ms - last_ms}, bn_ms, buf, loss);
        m.sinks.push_back(Bulk(n, 0, 5000, 0.01));
    }
    else if (c == "tworrt")
    {
        double r1 = Arg(argc, argv, 3, 10), r2 = Arg(argc, argv, 4, 40);
        uint32_t buf = (uint32_t)Arg(argc, argv, 5, 2e6);
        uint32_t cap = (uint32_t)(2 * (1.25e8 * r2 / 1e3 + buf));
        Defaults(cap, cap);
        Net n = Build({r1 / 2 - bn_ms - last_ms, r2 / 2 - bn_ms - last_ms}, bn_ms, buf, 0);
        m.sinks.push_back(Bulk(n, 0, 5000, 0.01));
        m.sinks.push_back(Bulk(n, 1, 5001, 0.011));
    }
    else if (c == "reqresp")
    {
        double rtt = Arg(argc, argv, 3, 0.8);
        int nbulk = (int)Arg(argc, argv, 4, 1);
        uint32_t buf = (uint32_t)Arg(argc, argv, 5, 1e6);
        uint32_t cap = (uint32_t)(2 * (1.25e8 * rtt / 1e3 + buf));
        Defaults(cap, cap);
        std::vector<double> acc(nbulk + 1, rtt / 2 - bn_ms - last_ms);
        Net n = Build(acc, bn_ms, buf, 0);
        for (int i = 0; i < nbulk; i++)
            m.sinks.push_back(Bulk(n, (size_t)i + 1, (uint16_t)(5000 + i), 0.01 + 0.001 * i));
        probe = CreateObject<Prober>();
        probe->Setup(InetSocketAddress(n.rx_addr, 9), 100, MilliSeconds(1), Seconds(warm));
        n.senders.Get(0)->AddApplication(probe);
        probe->SetStartTime(Seconds(0.02));
        UdpEchoServerHelper echo(9);
        echo.Install(n.receiver.Get(0)).Start(Seconds(0));
    }
    else
    {
        fprintf(stderr, "ns3_tcp_cases: unknown case %s\n", c.c_str());
        return 2;
    }
    Simulator::Schedule(Seconds(warm), &Mark, &m);
    Simulator::Stop(Seconds(T));
    Simulator::Run();
    for (size_t i = 0; i < m.sinks.size(); i++)
        printf("%s,goodput_Bps_%zu,%.9g\n", c.c_str(), i,
               (double)(m.sinks[i]->GetTotalRx() - m.at_warm[i]) / (T - warm));
    if (probe)
    {
        double sum = 0;
        for (double x : probe->rtt_ms)
            sum += x;
        printf("%s,rtt_mean_ms,%.9g\n", c.c_str(),
               probe->rtt_ms.empty() ? NAN : sum / (double)probe->rtt_ms.size());
        printf("%s,rtt_p99_ms,%.9g\n", c.c_str(), Percentile(probe->rtt_ms, 0.99));
        printf("%s,rtt_samples,%zu\n", c.c_str(), probe->rtt_ms.size());
    }
    Simulator::Destroy();
    return 0;
}
