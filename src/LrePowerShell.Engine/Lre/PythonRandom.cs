namespace LrePowerShell.Engine.Lre;

/// <summary>
/// Python's <c>random</c> module for the one thing the seed notebook used it for:
/// <c>random.seed(n); random.shuffle(pairs)</c>. MT19937 seeded by <c>init_by_array</c> with the
/// seed's 32-bit words, and shuffle's <c>_randbelow</c> by rejection over <c>getrandbits</c>, so a
/// split here is the split Python makes with the same seed.
/// </summary>
public sealed class PythonRandom
{
    private readonly uint[] _mt = new uint[624];
    private int _index = 624;

    public PythonRandom(long seed)
    {
        ulong n = (ulong)Math.Abs(seed);
        var key = new List<uint>();
        do { key.Add((uint)(n & 0xffffffff)); n >>= 32; } while (n != 0);
        InitByArray(key.ToArray());
    }

    private void InitGenrand(uint s)
    {
        _mt[0] = s;
        for (int i = 1; i < 624; i++) _mt[i] = 1812433253u * (_mt[i - 1] ^ (_mt[i - 1] >> 30)) + (uint)i;
        _index = 624;
    }

    private void InitByArray(uint[] key)
    {
        InitGenrand(19650218u);
        int i = 1, j = 0;
        for (int k = Math.Max(624, key.Length); k > 0; k--)
        {
            _mt[i] = (_mt[i] ^ ((_mt[i - 1] ^ (_mt[i - 1] >> 30)) * 1664525u)) + key[j] + (uint)j;
            i++; j++;
            if (i >= 624) { _mt[0] = _mt[623]; i = 1; }
            if (j >= key.Length) j = 0;
        }
        for (int k = 623; k > 0; k--)
        {
            _mt[i] = (_mt[i] ^ ((_mt[i - 1] ^ (_mt[i - 1] >> 30)) * 1566083941u)) - (uint)i;
            i++;
            if (i >= 624) { _mt[0] = _mt[623]; i = 1; }
        }
        _mt[0] = 0x80000000u;
    }

    private uint NextUInt32()
    {
        if (_index >= 624)
        {
            for (int k = 0; k < 624; k++)
            {
                uint y = (_mt[k] & 0x80000000u) | (_mt[(k + 1) % 624] & 0x7fffffffu);
                _mt[k] = _mt[(k + 397) % 624] ^ (y >> 1) ^ ((y & 1) != 0 ? 0x9908b0dfu : 0u);
            }
            _index = 0;
        }
        uint x = _mt[_index++];
        x ^= x >> 11;
        x ^= (x << 7) & 0x9d2c5680u;
        x ^= (x << 15) & 0xefc60000u;
        x ^= x >> 18;
        return x;
    }

    /// <summary>random._randbelow(n) for n ≤ 2³²: getrandbits(n.bit_length()) until below n.</summary>
    private int RandBelow(int n)
    {
        int k = 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)n);
        uint r;
        do r = NextUInt32() >> (32 - k); while (r >= n);
        return (int)r;
    }

    /// <summary>random.shuffle(list), in place.</summary>
    public void Shuffle<T>(IList<T> list)
    {
        for (int i = list.Count - 1; i > 0; i--)
        {
            int j = RandBelow(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }
}
