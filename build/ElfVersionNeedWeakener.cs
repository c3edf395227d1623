// MSBuild inline task (RoslynCodeTaskFactory), used by build/TorchSharpNative.targets.
//
// Why: TorchSharp 0.107's libLibTorchSharp.so was linked against a libstdc++ that exports GLIBCXX_3.4.32, and records
// that version as required in .gnu.version_r. Debian 12's libstdc++ stops at 3.4.30, so the dynamic loader refuses the
// library (TorchSharp then misreports it as a missing libtorch package). The only symbol bound to 3.4.32 is the marker
// std::ios_base_library_init(), which the library never calls. Setting VER_FLG_WEAK on that one requirement lets the
// loader accept it, exactly as a linker does for optional versions. We patch only the copy in the build output
// (write to a temp file, then rename, so a hard link into the NuGet cache is never written through), only versions on
// an allow-list, and only those the system's libstdc++ really lacks.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public class ElfVersionNeedWeakener : Task
{
    const uint ShtGnuVerdef = 0x6ffffffd;
    const uint ShtGnuVerneed = 0x6ffffffe;
    const ushort VerFlgWeak = 0x2;

    [Required] public ITaskItem[] Libraries { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string SystemLibrary { get; set; } = "";
    [Required] public string NeededFile { get; set; } = "";
    [Required] public string AllowedVersions { get; set; } = "";

    public override bool Execute()
    {
        if (!File.Exists(SystemLibrary))
        {
            Log.LogMessage(MessageImportance.Low, $"{SystemLibrary} not found; nothing to patch.");
            return true;
        }
        var provided = new HashSet<string>(DefinedVersions(File.ReadAllBytes(SystemLibrary)));
        var allowed = new HashSet<string>(AllowedVersions.Split(new[] { ';', ',' }, StringSplitOptions.RemoveEmptyEntries));
        foreach (var item in Libraries)
        {
            var path = item.ItemSpec;
            var bytes = File.ReadAllBytes(path);
            var patched = new List<string>();
            foreach (var need in NeededVersions(bytes).Where(n => n.File == NeededFile && !provided.Contains(n.Name)))
            {
                if ((need.Flags & VerFlgWeak) != 0)
                {
                    continue;
                }
                if (!allowed.Contains(need.Name))
                {
                    Log.LogMessage(MessageImportance.High,
                        $"{path} needs {need.Name} from {NeededFile}, which {SystemLibrary} lacks and which is not on the allow-list; left as is (loading will fail).");
                    continue;
                }
                WriteUInt16(bytes, need.FlagsOffset, (ushort)(need.Flags | VerFlgWeak));
                patched.Add(need.Name);
            }
            if (patched.Count == 0)
            {
                continue;
            }
            var temp = path + ".weakening";
            File.WriteAllBytes(temp, bytes);
            File.Delete(path);
            File.Move(temp, path);
            Log.LogMessage(MessageImportance.High, $"Marked {string.Join(", ", patched)} weak in {path} (system {NeededFile} lacks it).");
        }
        return !Log.HasLoggedErrors;
    }

    // The task factory compiles against netstandard2.0: no records, no File.Move(overwrite).
    sealed class Need
    {
        public Need(string file, string name, ushort flags, int flagsOffset) { File = file; Name = name; Flags = flags; FlagsOffset = flagsOffset; }
        public string File { get; }
        public string Name { get; }
        public ushort Flags { get; }
        public int FlagsOffset { get; }
    }

    static IEnumerable<Need> NeededVersions(byte[] elf)
    {
        foreach (var (offset, _, link, count) in Sections(elf, ShtGnuVerneed))
        {
            var strtab = SectionOffset(elf, link);
            var vn = offset;
            for (var i = 0; i < count; i++)
            {
                var cnt = ReadUInt16(elf, vn + 2);
                var file = ReadString(elf, strtab + (int)ReadUInt32(elf, vn + 4));
                var aux = vn + (int)ReadUInt32(elf, vn + 8);
                for (var j = 0; j < cnt; j++)
                {
                    var name = ReadString(elf, strtab + (int)ReadUInt32(elf, aux + 8));
                    yield return new Need(file, name, ReadUInt16(elf, aux + 4), aux + 4);
                    aux += (int)ReadUInt32(elf, aux + 12);
                }
                vn += (int)ReadUInt32(elf, vn + 12);
            }
        }
    }

    static IEnumerable<string> DefinedVersions(byte[] elf)
    {
        foreach (var (offset, _, link, count) in Sections(elf, ShtGnuVerdef))
        {
            var strtab = SectionOffset(elf, link);
            var vd = offset;
            for (var i = 0; i < count; i++)
            {
                var aux = vd + (int)ReadUInt32(elf, vd + 12);
                yield return ReadString(elf, strtab + (int)ReadUInt32(elf, aux));
                vd += (int)ReadUInt32(elf, vd + 16);
            }
        }
    }

    // (file offset, size, sh_link, sh_info) of every section of the given type in a little-endian ELF64 file.
    static IEnumerable<(int Offset, long Size, int Link, int Info)> Sections(byte[] elf, uint type)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F' || elf[4] != 2 || elf[5] != 1)
        {
            throw new InvalidDataException("not a little-endian ELF64 file");
        }
        var shoff = (long)ReadUInt64(elf, 0x28);
        var shentsize = ReadUInt16(elf, 0x3A);
        var shnum = ReadUInt16(elf, 0x3C);
        for (var i = 0; i < shnum; i++)
        {
            var sh = (int)(shoff + (long)i * shentsize);
            if (ReadUInt32(elf, sh + 4) == type)
            {
                yield return ((int)ReadUInt64(elf, sh + 0x18), (long)ReadUInt64(elf, sh + 0x20), (int)ReadUInt32(elf, sh + 0x28), (int)ReadUInt32(elf, sh + 0x2C));
            }
        }
    }

    static int SectionOffset(byte[] elf, int index)
    {
        var sh = (int)((long)ReadUInt64(elf, 0x28) + (long)index * ReadUInt16(elf, 0x3A));
        return (int)ReadUInt64(elf, sh + 0x18);
    }

    static string ReadString(byte[] b, int offset)
    {
        var end = Array.IndexOf(b, (byte)0, offset);
        return Encoding.ASCII.GetString(b, offset, end - offset);
    }

    static ushort ReadUInt16(byte[] b, int o) => BitConverter.ToUInt16(b, o);
    static uint ReadUInt32(byte[] b, int o) => BitConverter.ToUInt32(b, o);
    static ulong ReadUInt64(byte[] b, int o) => BitConverter.ToUInt64(b, o);
    static void WriteUInt16(byte[] b, int o, ushort v) => BitConverter.GetBytes(v).CopyTo(b, o);
}
