#include "server/device/xrt/xclbin_writer.h"

#include <xclbin.h>

#include <algorithm>
#include <cstring>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace fpgaas {
namespace {

// Control register map of an HLS kernel: 0x00 ctrl, 0x04 gier, 0x08 ier, 0x0c isr, then the
// arguments from 0x10. Pointers take 8 bytes, scalars 4, each followed by a 4-byte reserved word
// (v++'s layout: 0x10, 0x1c, 0x28 ... for 64-bit pointers).
constexpr uint64_t kFirstArgumentOffset = 0x10;
constexpr uint64_t kCuAddressRange = 0x10000;  // 64 KiB control space per CU
constexpr uint64_t kFirstCuBase = 0x1800000;

template <typename T>
void Append(std::string* out, const T& value) {
  out->append(reinterpret_cast<const char*>(&value), sizeof(T));
}

void PadTo8(std::string* out) {
  while (out->size() % 8 != 0) out->push_back('\0');
}

uint64_t Fnv1a(std::string_view text, uint64_t seed) {
  uint64_t h = seed;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::string CuName(const XclbinSpec& spec, int cu) {
  return absl::StrCat(spec.kernel_name, ":", spec.kernel_name, "_", cu + 1);
}

std::string MemTopology(const XclbinSpec& spec) {
  std::string out;
  Append(&out, int32_t(spec.memory_banks));
  PadTo8(&out);
  for (int b = 0; b < spec.memory_banks; ++b) {
    mem_data m;
    std::memset(&m, 0, sizeof(m));
    m.m_type = MEM_DDR4;
    m.m_used = 1;
    m.m_size = spec.bank_size_kb;
    m.m_base_address = 0x4000000000ULL + uint64_t(b) * spec.bank_size_kb * 1024;
    std::snprintf(reinterpret_cast<char*>(m.m_tag), sizeof(m.m_tag), "bank%d", b);
    Append(&out, m);
  }
  return out;
}

std::string IpLayout(const XclbinSpec& spec) {
  std::string out;
  Append(&out, int32_t(spec.compute_units));
  PadTo8(&out);
  for (int cu = 0; cu < spec.compute_units; ++cu) {  // sorted by base address, as XRT requires
    ip_data ip;
    std::memset(&ip, 0, sizeof(ip));
    ip.m_type = IP_KERNEL;
    ip.properties = (AP_CTRL_HS << 8) | 1;  // ap_ctrl_hs, interrupt enabled
    ip.m_base_address = kFirstCuBase + uint64_t(cu) * kCuAddressRange;
    std::string name = CuName(spec, cu);
    std::memcpy(ip.m_name, name.data(), name.size());
    Append(&out, ip);
  }
  return out;
}

std::string Connectivity(const XclbinSpec& spec) {
  std::vector<connection> rows;
  for (int cu = 0; cu < spec.compute_units; ++cu) {
    for (size_t a = 0; a < spec.arguments.size(); ++a) {
      if (!spec.arguments[a].is_pointer) continue;
      rows.push_back({int32_t(a), int32_t(cu), int32_t(cu % spec.memory_banks)});
    }
  }
  std::string out;
  Append(&out, int32_t(rows.size()));
  for (const connection& c : rows) Append(&out, c);
  return out;
}

std::string EmbeddedMetadata(const XclbinSpec& spec) {
  std::string args;
  uint64_t offset = kFirstArgumentOffset;
  int gmem = 0;
  std::string ports;
  for (size_t a = 0; a < spec.arguments.size(); ++a) {
    const XclbinArgument& arg = spec.arguments[a];
    std::string host_type = arg.host_type;
    if (host_type.empty()) host_type = arg.is_pointer ? "void*" : "unsigned int";
    uint64_t size = arg.is_pointer ? 8 : 4;
    std::string port = "S_AXI_CONTROL";
    if (arg.is_pointer) {
      port = absl::StrCat("M_AXI_GMEM", gmem++);
      absl::StrAppendFormat(&ports,
                            "          <port name=\"%s\" mode=\"master\" range=\"0xFFFFFFFF\" "
                            "dataWidth=\"512\" portType=\"addressable\" base=\"0x0\"/>\n",
                            port);
    }
    absl::StrAppendFormat(&args,
                          "          <arg name=\"%s\" addressQualifier=\"%d\" id=\"%d\" "
                          "port=\"%s\" size=\"0x%x\" offset=\"0x%x\" hostOffset=\"0x0\" "
                          "hostSize=\"0x%x\" type=\"%s\"/>\n",
                          arg.name, arg.is_pointer ? 1 : 0, a, port, size, offset, size, host_type);
    offset += size + 4;  // each argument is followed by a 4-byte reserved word
  }
  std::string instances;
  for (int cu = 0; cu < spec.compute_units; ++cu) {
    absl::StrAppendFormat(&instances,
                          "          <instance name=\"%s_%d\">\n"
                          "            <addrRemap base=\"0x%x\" range=\"0x%x\" "
                          "port=\"S_AXI_CONTROL\"/>\n"
                          "          </instance>\n",
                          spec.kernel_name, cu + 1, kFirstCuBase + uint64_t(cu) * kCuAddressRange,
                          kCuAddressRange);
  }
  return absl::StrFormat(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<project name=\"%s\">\n"
      "  <platform vendor=\"xilinx\" boardid=\"fpgaas\" name=\"%s\" featureRomTime=\"0\">\n"
      "    <device name=\"fpga0\" fpgaDevice=\"virtexuplus\" addrWidth=\"0\">\n"
      "      <core name=\"OCL_REGION_0\" target=\"hw\" type=\"clc_region\" clockFreq=\"0\" "
      "numComputeUnits=\"%d\">\n"
      "        <kernel name=\"%s\" language=\"c\" vlnv=\"xilinx.com:hls:%s:1.0\" "
      "preferredWorkGroupSizeMultiple=\"0\" workGroupSize=\"1\" interrupt=\"true\" "
      "hwControlProtocol=\"ap_ctrl_hs\">\n"
      "%s"
      "          <port name=\"S_AXI_CONTROL\" mode=\"slave\" range=\"0x%x\" dataWidth=\"32\" "
      "portType=\"addressable\" base=\"0x0\"/>\n"
      "%s%s"
      "        </kernel>\n"
      "      </core>\n"
      "    </device>\n"
      "  </platform>\n"
      "</project>\n",
      spec.kernel_name, spec.platform, spec.compute_units, spec.kernel_name, spec.kernel_name,
      ports, kCuAddressRange, args, instances);
}

}  // namespace

absl::StatusOr<std::string> BuildXclbin(const XclbinSpec& spec) {
  if (spec.kernel_name.empty()) return absl::InvalidArgumentError("xclbin: empty kernel name");
  if (spec.compute_units < 1 || spec.compute_units > 64) {
    return absl::InvalidArgumentError(
        absl::StrCat("xclbin: compute_units must be 1..64, got ", spec.compute_units));
  }
  if (spec.memory_banks < 1 || spec.memory_banks > 32) {
    return absl::InvalidArgumentError(
        absl::StrCat("xclbin: memory_banks must be 1..32, got ", spec.memory_banks));
  }
  if (spec.arguments.empty()) return absl::InvalidArgumentError("xclbin: no kernel arguments");
  if (CuName(spec, spec.compute_units - 1).size() >= sizeof(ip_data::m_name)) {
    return absl::InvalidArgumentError(
        absl::StrCat("xclbin: kernel name '", spec.kernel_name, "' too long for IP_LAYOUT"));
  }
  if (spec.platform.size() >= sizeof(axlf_header::m_platformVBNV)) {
    return absl::InvalidArgumentError("xclbin: platform name too long");
  }
  for (const XclbinArgument& arg : spec.arguments) {
    if (arg.name.empty()) return absl::InvalidArgumentError("xclbin: unnamed kernel argument");
  }

  struct Section {
    axlf_section_kind kind;
    const char* name;
    std::string data;
  };
  std::vector<Section> sections = {
      {MEM_TOPOLOGY, "mem_topology", MemTopology(spec)},
      {CONNECTIVITY, "connectivity", Connectivity(spec)},
      {IP_LAYOUT, "ip_layout", IpLayout(spec)},
      {EMBEDDED_METADATA, "metadata", EmbeddedMetadata(spec)},
  };

  // struct axlf holds the first section header; the others follow it.
  const size_t headers_end = sizeof(axlf) + (sections.size() - 1) * sizeof(axlf_section_header);
  std::vector<axlf_section_header> headers(sections.size());
  size_t offset = (headers_end + 7) & ~size_t(7);
  for (size_t i = 0; i < sections.size(); ++i) {
    std::memset(&headers[i], 0, sizeof(axlf_section_header));
    headers[i].m_sectionKind = sections[i].kind;
    std::strncpy(headers[i].m_sectionName, sections[i].name, sizeof(headers[i].m_sectionName) - 1);
    headers[i].m_sectionOffset = offset;
    headers[i].m_sectionSize = sections[i].data.size();
    offset = (offset + sections[i].data.size() + 7) & ~size_t(7);
  }
  const size_t total = offset;

  axlf top;
  std::memset(&top, 0, sizeof(top));
  std::memcpy(top.m_magic, "xclbin2", 8);
  top.m_signature_length = -1;
  std::memset(top.reserved, 0xFF, sizeof(top.reserved));
  std::memset(top.m_keyBlock, 0xFF, sizeof(top.m_keyBlock));
  axlf_header& h = top.m_header;
  h.m_length = total;
  h.m_versionMajor = 2;
  h.m_versionMinor = 1;
  h.m_versionPatch = 0;
  h.m_mode = XCLBIN_FLAT;
  std::memcpy(h.m_platformVBNV, spec.platform.data(), spec.platform.size());
  std::array<uint8_t, 16> uuid = spec.uuid;
  if (std::all_of(uuid.begin(), uuid.end(), [](uint8_t b) { return b == 0; })) {
    std::string key = absl::StrCat(spec.kernel_name, "|", spec.compute_units, "|",
                                   spec.memory_banks, "|", spec.platform);
    for (const XclbinArgument& arg : spec.arguments) {
      absl::StrAppend(&key, "|", arg.name, arg.is_pointer ? "*" : "", arg.host_type);
    }
    uint64_t hi = Fnv1a(key, 0xcbf29ce484222325ULL);
    uint64_t lo = Fnv1a(key, 0x84222325cbf29ce4ULL);
    std::memcpy(uuid.data(), &hi, 8);
    std::memcpy(uuid.data() + 8, &lo, 8);
    uuid[6] = (uuid[6] & 0x0F) | 0x40;  // RFC 4122 version 4 / variant bits, for tidy printing
    uuid[8] = (uuid[8] & 0x3F) | 0x80;
  }
  std::memcpy(h.uuid, uuid.data(), 16);
  h.m_numSections = uint32_t(sections.size());
  top.m_uniqueId = 0;
  top.m_sections[0] = headers[0];

  std::string out;
  out.reserve(total);
  Append(&out, top);
  for (size_t i = 1; i < headers.size(); ++i) Append(&out, headers[i]);
  for (size_t i = 0; i < sections.size(); ++i) {
    out.resize(headers[i].m_sectionOffset, '\0');
    out += sections[i].data;
  }
  out.resize(total, '\0');
  return out;
}

absl::Status WriteXclbin(const XclbinSpec& spec, const std::filesystem::path& path) {
  absl::StatusOr<std::string> bytes = BuildXclbin(spec);
  if (!bytes.ok()) return bytes.status();
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) return absl::InternalError(absl::StrCat("cannot write ", path.string()));
  file.write(bytes->data(), std::streamsize(bytes->size()));
  file.close();
  if (!file) return absl::InternalError(absl::StrCat("error writing ", path.string()));
  return absl::OkStatus();
}

}  // namespace fpgaas
