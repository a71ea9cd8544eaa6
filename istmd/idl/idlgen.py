#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# idlgen.py: the ISTM wire, generated from the specification's IDL.
#
# Reads the IDL of [MS-ISTM] section 6 (ms-istm.idl), the base types it
# imports (dcom.idl) and what istmd does beyond the IDL (istm.acf), and
# writes, for every interface:
#   --c-header/--c-source  the C parameter structures and the NDR tables of
#                          the table-driven engine (ndr/ndr.h), and, for the
#                          interfaces istm.acf serves, the method tables with
#                          one handler prototype per method named after it
#                          (Interface_Method);
#   --python               the impacket classes the client (contrib/istm) and
#                          the tests use.
# Samba's pidl is the model; this is much smaller because the engine
# interprets tables, so nothing here writes marshalling code.  Trade-off:
# it understands the IDL that [MS-ISTM] uses (constants, enums, structs with
# fixed arrays, object interfaces, [in]/[out]/[retval]/[size_is] on
# parameters, [propget]/[propput]) and the structures of [MS-VDS] it
# carries (embedded unique pointers: [string] char * and [size_is(m)] T *
# sized by an earlier member, T a primitive or a structure), and refuses
# anything else by name, so a new construct is a deliberate change here
# rather than a silent guess.
# Standard library only.

import argparse
import re
import sys

# ---------------------------------------------------------------- lexing

TOKEN = re.compile(r'\s*(?:(//[^\n]*|/\*.*?\*/)|("[^"]*")|'
                   r'([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})|'
                   r'([A-Za-z_][A-Za-z0-9_]*)|(-?0[xX][0-9a-fA-F]+|-?[0-9]+)|(.))', re.S)


def tokens(text):
    """The IDL's tokens: strings, identifiers, numbers, single characters.
    A uuid is one token (it would otherwise split into numbers)."""
    out = []
    pos = 0
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
        comment, string, uuid, ident, number, punct = m.groups()
        if comment:
            continue
        tok = string or uuid or ident or number or punct
        if tok and not tok.isspace():
            out.append(tok)
    return out


class Parser:
    """A recursive-descent reader of the IDL subset (see the header)."""

    def __init__(self, toks, where):
        self.t = toks
        self.i = 0
        self.where = where

    def peek(self, k=0):
        return self.t[self.i + k] if self.i + k < len(self.t) else None

    def take(self, want=None):
        tok = self.peek()
        if tok is None or (want is not None and tok != want):
            self.fail('expected %r, found %r' % (want, tok))
        self.i += 1
        return tok

    def fail(self, msg):
        ctx = ' '.join(self.t[max(0, self.i - 6):self.i + 4])
        raise SystemExit('%s: %s (near: %s)' % (self.where, msg, ctx))

    def attrs(self):
        """Zero or more [a, b(x, y)] groups as {name: [args]}."""
        out = {}
        while self.peek() == '[':
            self.take('[')
            while True:
                name = self.take()
                args = []
                if self.peek() == '(':
                    self.take('(')
                    depth, cur = 1, []
                    while True:
                        tok = self.take()
                        if tok == '(':
                            depth += 1
                        elif tok == ')':
                            depth -= 1
                            if depth == 0:
                                break
                        if tok == ',' and depth == 1:
                            args.append(' '.join(cur))
                            cur = []
                        else:
                            cur.append(tok)
                    args.append(' '.join(cur))
                out[name] = args
                if self.peek() == ',':
                    self.take(',')
                    continue
                self.take(']')
                break
        return out

    def typename(self):
        """A type name; IDL spells some in two words ('unsigned long')."""
        first = self.take()
        if first in ('unsigned', 'signed') and self.peek() in ('char', 'short', 'long',
                                                               'int', 'small', 'hyper'):
            return first + ' ' + self.take()
        if first in ('struct', 'enum'):
            return self.take()
        return first


class Idl:
    """Everything the IDL files declare, in declaration order."""

    def __init__(self):
        self.consts = {}
        self.base = {}        # name -> Base
        self.enums = {}       # name -> [(member, value)]
        self.structs = {}     # name -> [Member]
        self.order = []       # ('enum'|'struct', name) in order
        self.ifaces = {}      # name -> Iface
        self.iface_order = []


class Base:
    def __init__(self, ndr, ctype, py):
        self.ndr, self.ctype, self.py = ndr, ctype, py


class Member:
    def __init__(self, typ, name, dims, ptr=0, attrs=None):
        self.typ, self.name, self.dims, self.ptr = typ, name, dims, ptr
        self.attrs = attrs or {}


class Method:
    def __init__(self, name, params, attrs):
        self.idl_name = name
        self.name = ('get_' + name if 'propget' in attrs else
                     'put_' + name if 'propput' in attrs else name)
        self.params = params
        self.attrs = attrs


class Iface:
    def __init__(self, name, uuid, base, methods):
        self.name, self.uuid, self.base, self.methods = name, uuid, base, methods


# Primitive types of the IDL language ([C706] 14.2): engine descriptor,
# C type, impacket class.
PRIMITIVES = {
    'boolean': Base('ndr_t_u8', 'uint8_t', 'BOOLEAN'),
    'byte': Base('ndr_t_u8', 'uint8_t', 'BYTE'),
    'char': Base('ndr_t_u8', 'uint8_t', 'CHAR'),
    'unsigned char': Base('ndr_t_u8', 'uint8_t', 'UCHAR'),
    'small': Base('ndr_t_u8', 'uint8_t', 'CHAR'),
    'short': Base('ndr_t_u16', 'uint16_t', 'SHORT'),
    'unsigned short': Base('ndr_t_u16', 'uint16_t', 'USHORT'),
    'wchar_t': Base('ndr_t_u16', 'uint16_t', 'WCHAR'),
    'long': Base('ndr_t_u32', 'uint32_t', 'LONG'),
    'int': Base('ndr_t_u32', 'uint32_t', 'LONG'),
    'unsigned long': Base('ndr_t_u32', 'uint32_t', 'ULONG'),
    'unsigned int': Base('ndr_t_u32', 'uint32_t', 'ULONG'),
    'hyper': Base('ndr_t_u64', 'uint64_t', 'LONGLONG'),
    'unsigned hyper': Base('ndr_t_u64', 'uint64_t', 'ULONGLONG'),
}
# An NDR enum travels as 16 bits ([C706] 14.2.5).
ENUM_BASE = Base('ndr_t_u16', 'uint16_t', None)
# An interface pointer, whatever the interface: an MInterfacePointer.
IFACE_PTR = Base('ndr_t_unique_mip', 'struct ndr_blob *', 'PMInterfacePointer')


def parse(idl, text, where):
    p = Parser(tokens(text), where)
    while p.peek() is not None:
        tok = p.peek()
        if tok == 'import':
            p.take()
            p.take()
            p.take(';')
        elif tok == 'const':
            p.take()
            p.typename()
            name = p.take()
            p.take('=')
            expr = []
            while p.peek() != ';':
                expr.append(p.take())
            p.take(';')
            idl.consts[name] = evaluate(idl, expr, p)
        elif tok == 'typedef':
            p.take()
            attrs = p.attrs()
            if p.peek() in ('enum', 'struct') and p.peek(2) == '{':
                kind = p.take()
                p.take()            # the tag (_X)
                p.take('{')
                body = enum_body(idl, p) if kind == 'enum' else struct_body(idl, p)
                name = p.take()
                p.take(';')
                (idl.enums if kind == 'enum' else idl.structs)[name] = body
                idl.order.append((kind, name))
            else:
                under = p.typename()
                name = p.take()
                p.take(';')
                if 'builtin' in attrs:
                    ndr, ctype, py = [a.strip().strip('"') for a in attrs['builtin']]
                    idl.base[name] = Base(ndr, ctype, py)
                elif under in PRIMITIVES or under in idl.base:
                    u = PRIMITIVES.get(under) or idl.base[under]
                    idl.base[name] = Base(u.ndr, u.ctype, name)
                else:
                    p.fail('typedef of unknown type %s' % under)
        elif tok == '[' or tok == 'interface':
            attrs = p.attrs()
            p.take('interface')
            name = p.take()
            base = None
            if p.peek() == ':':
                p.take(':')
                base = p.take()
            p.take('{')
            methods = []
            while p.peek() != '}':
                methods.append(method(idl, p))
            p.take('}')
            p.take(';')
            if 'uuid' not in attrs:
                p.fail('interface %s has no uuid' % name)
            idl.ifaces[name] = Iface(name, attrs['uuid'][0], base, methods)
            idl.iface_order.append(name)
        else:
            p.fail('unexpected %r' % tok)


def evaluate(idl, expr, p):
    """A constant expression: numbers, constants, + and -."""
    total, sign = 0, 1
    for tok in expr:
        if tok == '+':
            sign = 1
        elif tok == '-':
            sign = -1
        elif tok in idl.consts:
            total += sign * idl.consts[tok]
        elif re.match(r'-?(0[xX][0-9a-fA-F]+|[0-9]+)$', tok):
            total += sign * int(tok, 0)
        else:
            p.fail('cannot evaluate %s' % ' '.join(expr))
    return total


def enum_body(idl, p):
    members = []
    value = 0
    while p.peek() != '}':
        name = p.take()
        if p.peek() == '=':
            p.take('=')
            expr = []
            while p.peek() not in (',', '}'):
                expr.append(p.take())
            value = evaluate(idl, expr, p)
        members.append((name, value))
        value += 1
        if p.peek() == ',':
            p.take(',')
    p.take('}')
    return members


def struct_body(idl, p):
    members = []
    while p.peek() != '}':
        attrs = p.attrs()
        for a in attrs:
            if a not in ('string', 'size_is'):
                p.fail('member attribute [%s] is not supported' % a)
        typ = p.typename()
        ptr = 0
        while p.peek() == '*':
            p.take()
            ptr += 1
        name = p.take()
        dims = []
        while p.peek() == '[':
            p.take('[')
            expr = []
            while p.peek() != ']':
                expr.append(p.take())
            p.take(']')
            dims.append(evaluate(idl, expr, p))
        p.take(';')
        if ptr > 1 or (ptr and dims):
            p.fail('only one level of pointer, without array bounds (%s)' % name)
        if ptr and len(attrs) != 1:
            p.fail('a pointer member is [string] or [size_is(m)] (%s)' % name)
        if 'string' in attrs and (typ != 'char' or not ptr):
            p.fail('[string] is supported on char * only (%s)' % name)
        if 'size_is' in attrs:
            if not ptr:
                p.fail('[size_is] is supported on pointers only (%s)' % name)
            if attrs['size_is'][0] not in [m.name for m in members]:
                p.fail('size_is(%s) names no earlier member' % attrs['size_is'][0])
        members.append(Member(typ, name, dims, ptr, attrs))
    p.take('}')
    return members


def method(idl, p):
    attrs = p.attrs()
    if p.take() != 'HRESULT':
        p.fail('a method must return HRESULT')
    name = p.take()
    p.take('(')
    params = []
    while p.peek() != ')':
        pattrs = p.attrs()
        if p.peek() == 'void' and p.peek(1) == ')':
            p.take()
            break
        typ = p.typename()
        ptr = 0
        while p.peek() == '*':
            p.take()
            ptr += 1
        pname = p.take()
        dims = []
        while p.peek() == '[':
            p.take('[')
            p.take(']')
            dims.append(None)      # conformant: [size_is] says how many
        if not ('in' in pattrs or 'out' in pattrs):
            p.fail('%s.%s has no direction' % (name, pname))
        params.append(Member(typ, pname, dims, ptr, pattrs))
        if p.peek() == ',':
            p.take(',')
    p.take(')')
    p.take(';')
    return Method(name, params, attrs)


# ---------------------------------------------------------------- the ACF

class Acf:
    """istm.acf: serve, enumerator, inout, notimpl, noparams (see it)."""

    def __init__(self, path):
        self.serve = []
        self.enumerators = set()
        self.inout = []            # (iface pattern, method, param)
        self.notimpl = set()       # 'Iface.Method'
        self.noparams = set()
        self.propput = set()       # 'Iface.Property' misprinted [propget]
        self.rename = {}           # 'Iface.Method' -> name
        with open(path) as f:
            for n, line in enumerate(f, 1):
                words = line.split('#', 1)[0].split()
                if not words:
                    continue
                verb, args = words[0], words[1:]
                if verb == 'serve':
                    self.serve += args
                elif verb == 'enumerator':
                    self.enumerators.update(args)
                elif verb == 'inout' and len(args) == 2:
                    iface, meth = args[0].split('.')
                    self.inout.append((iface, meth, args[1]))
                elif verb == 'rename' and len(args) == 2:
                    self.rename[args[0]] = args[1]
                elif verb in ('notimpl', 'noparams', 'propput'):
                    getattr(self, verb).update(args)
                else:
                    raise SystemExit('%s:%d: unknown line' % (path, n))

    def direction(self, iface, meth, param):
        """The directions istmd uses for PARAM, or None for the IDL's."""
        for pat, m, prm in self.inout:
            if (pat == '*' or pat == iface.name) and m == meth.name and prm == param.name:
                return {'in', 'out'}
        return None


# ---------------------------------------------------------------- type model

class Wire:
    """How one member or parameter travels: engine descriptor expression,
    C declaration, impacket class, conformance sibling."""

    def __init__(self, ndr, cdecl, py, size_is=None):
        self.ndr, self.cdecl, self.py, self.size_is = ndr, cdecl, py, size_is


def decl(ctype, name):
    """A C declaration: 'uint32_t x', 'struct ndr_bstr *x'."""
    return ctype + name if ctype.endswith('*') else ctype + ' ' + name


class Model:
    def __init__(self, idl, acf):
        self.idl, self.acf = idl, acf
        self.arrays = {}           # descriptor name -> (elem ndr, count, C element type)
        self.pointers = {}         # descriptor name -> pointee ndr (unique pointers)

    def base(self, typ):
        if typ in PRIMITIVES:
            return PRIMITIVES[typ]
        if typ in self.idl.base:
            return self.idl.base[typ]
        if typ in self.idl.enums:
            return Base(ENUM_BASE.ndr, ENUM_BASE.ctype, typ)
        if typ in self.idl.structs:
            return Base('istm_ndr_' + typ, 'struct ' + typ, typ)
        if typ in self.idl.ifaces or typ == 'IUnknown':
            return IFACE_PTR
        raise SystemExit('unknown type %s' % typ)

    def fixed_array(self, b, dims):
        """The descriptor of B[dims...], declared once per shape."""
        elem, suffix = b.ndr, ''
        for d in reversed(dims):
            suffix = '[%d]' % d + suffix
            name = 'arr_%s_%d' % (elem.replace('istm_ndr_', '').replace('ndr_t_', '')
                                  .replace('arr_', ''), d)
            self.arrays.setdefault(name, (elem, d, b.ctype + suffix))
            elem = name
        return elem

    def member(self, m, siblings=None):
        """A structure member; SIBLINGS (the members before it) size a
        [size_is] pointer: Wire.size_is is the sibling's index."""
        b = self.base(m.typ)
        if m.ptr and 'string' in m.attrs:
            return Wire('&ndr_t_unique_cstring', 'char *' + m.name, 'LPSTR')
        if m.ptr:
            if b is IFACE_PTR or b.ndr in ('ndr_t_bstr',):
                raise SystemExit('%s: a sized pointer to %s' % (m.name, m.typ))
            name = 'ptr_' + b.ndr.replace('istm_ndr_', '').replace('ndr_t_', '')
            self.pointers.setdefault(name, b.ndr)
            idx = [q.name for q in siblings].index(m.attrs['size_is'][0])
            return Wire('&' + name, decl(b.ctype + ' *', m.name), b.py, idx)
        dims = ''.join('[%d]' % d for d in m.dims)
        ndr = self.fixed_array(b, m.dims) if m.dims else b.ndr
        return Wire('&' + ndr, decl(b.ctype, m.name + dims), b.py)

    def param(self, iface, meth, prm, siblings):
        """A top-level parameter: its ref pointer (the '*' of [out] and of
        [in] structures) has no wire representation; an interface pointer
        is a unique MInterfacePointer at any depth."""
        b = self.base(prm.typ)
        if b is IFACE_PTR:
            return Wire('&ndr_t_unique_mip', decl(b.ctype, prm.name), b.py)
        if 'size_is' in prm.attrs:
            count = prm.attrs['size_is'][0]
            if count not in siblings:
                raise SystemExit('%s.%s: size_is(%s) names no [in] sibling'
                                 % (iface.name, meth.name, count))
            return Wire('&conf_' + b.ndr.replace('ndr_t_', ''),
                        decl(b.ctype + ' *', prm.name), b.py, siblings.index(count))
        depth = prm.ptr
        if depth > 1:
            raise SystemExit('%s.%s: %s has %d pointers' % (iface.name, meth.name,
                                                             prm.name, depth))
        return Wire('&' + b.ndr, decl(b.ctype, prm.name), b.py)

    def lists(self, iface, meth):
        """The [in] and [out] lists of METH as [(Member, Wire)]."""
        if '%s.%s' % (iface.name, meth.name) in self.acf.noparams:
            return [], []
        ins, outs = [], []
        for prm in meth.params:
            d = self.acf.direction(iface, meth, prm) or \
                {k for k in ('in', 'out') if k in prm.attrs}
            if 'in' in d:
                ins.append(prm)
            if 'out' in d:
                outs.append(prm)
        names = [q.name for q in ins]
        return ([(q, self.param(iface, meth, q, names)) for q in ins],
                [(q, self.param(iface, meth, q, [o.name for o in outs])) for q in outs])

    def chain(self, iface):
        """Methods of the interfaces IFACE derives from (IUnknown's three
        excluded), i.e. its first opnum is 3 + len(chain)."""
        n = 0
        b = iface.base
        while b and b != 'IUnknown':
            n += len(self.idl.ifaces[b].methods)
            b = self.idl.ifaces[b].base
        return n


# ---------------------------------------------------------------- C

GENERATED = ('generated by istmd/idl/idlgen.py from %s: do not edit; change the IDL, '
             'istm.acf or the generator')


def guid_init(u):
    p = u.split('-')
    b = p[3] + p[4]
    return 'NDR_GUID_INIT(0x%s, 0x%s, 0x%s, %s)' % (
        p[0], p[1], p[2], ', '.join('0x' + b[i:i + 2] for i in range(0, 16, 2)))


def c_header(model, sources):
    idl = model.idl
    out = ['/* ' + GENERATED % sources + ' */',
           '/* istm_ndr.h: the [MS-ISTM] wire as C: the IDL\'s types, each method\'s',
           ' * [in] and [out] parameter structures and their NDR descriptors, and the',
           ' * handler of every method istm.acf serves. */',
           '#ifndef ISTMD_ISTM_NDR_H', '#define ISTMD_ISTM_NDR_H', '',
           '#include <stddef.h>', '', '#include "dcom/dcom_int.h"', '']
    for name, value in sorted(idl.consts.items()):
        out.append('#define %s %d' % (name, value))
    out.append('')
    for kind, name in idl.order:
        if kind == 'enum':
            out.append('enum %s {' % name)
            out += ['\t%s_%s = %d,' % (name, m, v) for m, v in idl.enums[name]]
            out.append('};')
        else:
            out.append('struct %s {' % name)
            ms = idl.structs[name]
            out += ['\t%s;' % model.member(m, ms[:k]).cdecl for k, m in enumerate(ms)]
            out.append('};')
            out.append('extern const struct ndr_type istm_ndr_%s;' % name)
        out.append('')
    for iname in idl.iface_order:
        iface = idl.ifaces[iname]
        out.append('/* %s {%s} */' % (iname, iface.uuid))
        for meth in iface.methods:
            ins, outs = model.lists(iface, meth)
            for tag, lst in (('in', ins), ('out', outs)):
                if not lst:
                    continue
                out.append('struct %s_%s_%s {' % (iname, meth.name, tag))
                out += ['\t%s;' % w.cdecl for _, w in lst]
                out.append('};')
        out.append('')
    out.append('/* Every method\'s parameter lists, for the tests (istm_ndr_methods[i]). */')
    out += ['struct istm_ndr_method {',
            '\tconst char *iface;             /* interface name */',
            '\tconst char *name;              /* method name (get_/put_ for properties) */',
            '\tuint16_t opnum;                /* its opnum */',
            '\tconst struct ndr_type *in;     /* NDR_PARAMS of its [in] list */',
            '\tconst struct ndr_type *out;    /* NDR_PARAMS of its [out] list */',
            '};',
            'extern const struct istm_ndr_method istm_ndr_methods[];',
            'extern const unsigned istm_ndr_nmethods;', '']
    out.append('/* The handlers: one per method of every interface istm.acf serves. */')
    for iname in model.acf.serve:
        iface = idl.ifaces[iname]
        out.append('extern const struct dcom_iface istm_if_%s;' % iname.lower())
        if iname in model.acf.enumerators:
            nxt = [m for m in iface.methods if m.name == 'Next'][0]
            elem, count = [q.name for q, _ in model.lists(iface, nxt)[1]]
            out += ['/* %s\'s objects (an inner class answering only %s) and the' % (iname, iname),
                    ' * members of struct istm_enum_kind its IDL fixes. */',
                    'extern const struct dcom_class istm_class_%s;' % iname.lower(),
                    '#define ISTM_ENUM_%s .iface = &istm_if_%s, .cls = &istm_class_%s, \\'
                    % (iname, iname.lower(), iname.lower()),
                    '\t.next_out_elem = offsetof(struct %s_Next_out, %s), \\' % (iname, elem),
                    '\t.next_out_count = offsetof(struct %s_Next_out, %s)' % (iname, count)]
        for meth in iface.methods:
            proto = handler_proto(model, iface, meth)
            if proto:
                out.append(proto + ';')
    out += ['', '#endif']
    return '\n'.join(out) + '\n'


def bound(model, iface, meth):
    """The shared function that answers METH, or None for its own handler."""
    if iface.name in model.acf.enumerators and meth.name in ('Next', 'Skip', 'Reset', 'Clone'):
        return 'istm_enum_' + meth.name.lower()
    if '%s.%s' % (iface.name, meth.name) in model.acf.notimpl:
        return 'istm_not_implemented'
    return None


def handler_proto(model, iface, meth):
    if bound(model, iface, meth):
        return None
    ins, outs = model.lists(iface, meth)
    args = ['struct dcom_call *c']
    if ins:
        args.append('const struct %s_%s_in *in' % (iface.name, meth.name))
    if outs:
        args.append('struct %s_%s_out *out' % (iface.name, meth.name))
    return 'uint32_t %s_%s(%s)' % (iface.name, meth.name, ', '.join(args))


def c_source(model, sources):
    idl = model.idl
    out = ['/* ' + GENERATED % sources + ' */', '#include <config.h>', '',
           '#include <stddef.h>', '', '#include "istm/istm.h"', '#include "istm_ndr.h"', '']
    body = []
    # structures
    for kind, name in idl.order:
        if kind != 'struct':
            continue
        fields = []
        ms = idl.structs[name]
        for k, m in enumerate(ms):
            w = model.member(m, ms[:k])
            if w.size_is is not None:
                fields.append('\tNDR_FIELD_SIZED(struct %s, %s, %s, %d),'
                              % (name, m.name, w.ndr, w.size_is))
            else:
                fields.append('\tNDR_FIELD(struct %s, %s, %s),' % (name, m.name, w.ndr))
        body += ['static const struct ndr_field %s_fields[] = {' % name] + fields + ['};',
                 'NDR_STRUCT_TYPE(istm_ndr_%s, struct %s, %s_fields);' % (name, name, name), '']
    # parameter lists
    table = []
    conf = set()
    for iname in idl.iface_order:
        iface = idl.ifaces[iname]
        first = 3 + model.chain(iface)
        for k, meth in enumerate(iface.methods):
            ins, outs = model.lists(iface, meth)
            refs = []
            for tag, lst in (('in', ins), ('out', outs)):
                if not lst:
                    refs.append('&ndr_t_no_params')
                    continue
                st = '%s_%s_%s' % (iname, meth.name, tag)
                fields = []
                for prm, w in lst:
                    if w.size_is is not None:
                        conf.add(w.ndr[1:])
                        fields.append('\tNDR_FIELD_SIZED(struct %s, %s, %s, %d),'
                                      % (st, prm.name, w.ndr, w.size_is))
                    else:
                        fields.append('\tNDR_FIELD(struct %s, %s, %s),' % (st, prm.name, w.ndr))
                body += ['static const struct ndr_field %s_fields[] = {' % st] + fields + [
                    '};', 'static NDR_PARAMS_TYPE(%s_t, struct %s, %s_fields);' % (st, st, st),
                    '']
                refs.append('&%s_t' % st)
            table.append('\t{ "%s", "%s", %d, %s, %s },' % (iname, meth.name, first + k,
                                                            refs[0], refs[1]))
    for name, (elem, n, ctype) in sorted(model.arrays.items(), key=lambda kv: (kv[1][2].count('['), kv[0])):
        out.append('static NDR_FIXED_ARRAY_TYPE(%s, &%s, %d, %s);' % (name, elem, n, ctype))
    for c in sorted(conf):
        out.append('static NDR_CONF_ARRAY_TYPE(%s, &ndr_t_%s);' % (c, c[len('conf_'):]))
    for name, pointee in sorted(model.pointers.items()):
        out.append('static NDR_PTR_TYPE(%s, NDR_PTR_UNIQUE, &%s);' % (name, pointee))
    out.append('')
    out += body
    out += ['const struct istm_ndr_method istm_ndr_methods[] = {'] + table + ['};',
            'const unsigned istm_ndr_nmethods = NDR_COUNTOF(istm_ndr_methods);', '']
    # served interfaces: adapters to the named handlers, method tables
    for iname in model.acf.serve:
        iface = idl.ifaces[iname]
        rows = []
        for meth in iface.methods:
            fn = bound(model, iface, meth)
            if not fn:
                ins, outs = model.lists(iface, meth)
                fn = 'call_%s_%s' % (iname, meth.name)
                args = ['c'] + (['in'] if ins else []) + (['out'] if outs else [])
                out += ['static uint32_t %s(struct dcom_call *c, const void *in, void *out)' % fn,
                        '{']
                if not ins:
                    out.append('\t(void)in;')
                if not outs:
                    out.append('\t(void)out;')
                out += ['\treturn %s_%s(%s);' % (iname, meth.name, ', '.join(args)), '}', '']
            ins, outs = model.lists(iface, meth)
            rows.append('\t{ "%s", %s, %s, %s },' % (
                meth.name, '&%s_%s_in_t' % (iname, meth.name) if ins else '&ndr_t_no_params',
                '&%s_%s_out_t' % (iname, meth.name) if outs else '&ndr_t_no_params', fn))
        out += ['static const struct dcom_method %s_methods[] = {' % iname] + rows + ['};', '']
        if iname in model.acf.enumerators:
            out += ['static const struct dcom_iface *const %s_ifaces[] = { &istm_if_%s };'
                    % (iname, iname.lower()),
                    'const struct dcom_class istm_class_%s = {' % iname.lower(),
                    '\t.name = "%s",' % iname,
                    '\t.ifaces = %s_ifaces, .nifaces = 1,' % iname, '};', '']
        base = iface.base if iface.base and iface.base != 'IUnknown' else None
        out += ['const struct dcom_iface istm_if_%s = {' % iname.lower(),
                '\t.name = "%s",' % iname,
                '\t.iid = %s,' % guid_init(iface.uuid),
                '\t.target = DCOM_TARGET_OBJECT,']
        if base:
            out.append('\t.base = &istm_if_%s,' % base.lower())
        out += ['\t.first_opnum = %d,' % (3 + model.chain(iface)),
                '\t.nmethods = NDR_COUNTOF(%s_methods),' % iname,
                '\t.methods = %s_methods,' % iname, '};', '']
    return '\n'.join(out) + '\n'


# ---------------------------------------------------------------- Python

PY_HEAD = '''# %s
"""The [MS-ISTM] wire for impacket: the IDL's types and, per interface, its
IID and one request class IFACE_METHOD (a DCOMCALL with its opnum) with its
answer IFACE_METHODResponse per method, as impacket wants them (it looks
the answer class up by name in the request's module).  PARAMS maps
(interface, opnum) to (name, [in] structure, [out] structure) for tests."""

from impacket.dcerpc.v5.dcom.oaut import BSTR
from impacket.dcerpc.v5.dcomrt import DCOMANSWER, DCOMCALL, PMInterfacePointer
from impacket.dcerpc.v5.dtypes import (BOOL, BOOLEAN, BYTE, CHAR, DWORD, GUID,  # noqa: F401
                                       HRESULT, LONG, LONGLONG, LPSTR, SHORT, UCHAR, ULONG,
                                       ULONGLONG, USHORT, WCHAR, WORD)
from impacket.dcerpc.v5.ndr import (NDRENUM, NDRPOINTER, NDRSTRUCT, NDRUniConformantArray,
                                    NDRUniFixedArray)
from impacket.dcerpc.v5.rpcrt import DCERPCException
from impacket.uuid import uuidtup_to_bin

DWORDLONG = ULONGLONG           # [MS-DTYP] 2.2.13, which impacket does not name


class DCERPCSessionError(DCERPCException):
    """What impacket raises for a non-zero HRESULT of these requests."""

    def __str__(self):
        return 'ISTM SessionError: code: 0x%%x' %% (self.error_code & 0xffffffff)


def fixed_array(size, align):
    """A fixed array of SIZE bytes aligned on ALIGN (WCHAR x[n]: 2n, 2)."""
    class Fixed(NDRUniFixedArray):
        def getDataLen(self, data, offset=0):
            return size
    Fixed.align = align
    Fixed.nbytes = size
    Fixed.__name__ = 'Fixed_%%d_%%d' %% (size, align)
    return Fixed


class CHAR_ARRAY(NDRUniConformantArray):
    item = 'c'


def sized_pointer(item):
    """A unique pointer to a conformant array of ITEM ([size_is(m)] T *
    inside a structure; ITEM a class, or 'c' for bytes)."""
    class Array(NDRUniConformantArray):
        pass
    Array.item = item

    class Pointer(NDRPOINTER):
        referent = (('Data', Array),)
    return Pointer


PARAMS = {}


def _method(name, iface, opnum, ins, outs):
    req = type(name, (DCOMCALL,), {'opnum': opnum, 'structure': ins})
    ans = type(name + 'Response', (DCOMANSWER,), {'structure': outs + (('ErrorCode', ULONG),)})
    globals()[name] = req
    globals()[name + 'Response'] = ans
    PARAMS[(iface, opnum)] = (name, ins, outs)
'''


PY_SIZES = {'ndr_t_u8': 1, 'ndr_t_u16': 2, 'ndr_t_u32': 4, 'ndr_t_u64': 8, 'ndr_t_guid': 16}


def py_member(model, m):
    """The impacket class of a struct member."""
    b = model.base(m.typ)
    if m.ptr and 'string' in m.attrs:
        return 'LPSTR'
    if m.ptr:
        return "sized_pointer(%s)" % ("'c'" if b.ndr == 'ndr_t_u8' else b.py)
    if not m.dims:
        return b.py
    n = 1
    for d in m.dims:
        n *= d
    size = PY_SIZES[b.ndr]
    return 'fixed_array(%d, %d)' % (n * size, min(size, 8))


def py_param(model, prm, wire):
    b = model.base(prm.typ)
    if wire.size_is is not None:
        if b.ndr != 'ndr_t_u8':
            raise SystemExit('%s: only byte arrays may be sized' % prm.name)
        return 'CHAR_ARRAY'
    return b.py


def python(model, sources):
    idl = model.idl
    out = [PY_HEAD % (GENERATED % sources)]
    for name, value in sorted(idl.consts.items()):
        out.append('%s = %d' % (name, value))
    out.append('')
    for kind, name in idl.order:
        if kind == 'enum':
            out += ['', 'class %s(NDRENUM):' % name, '    pass', '']
            out += ['%s_%s = %d' % (name, m, v) for m, v in idl.enums[name]]
        else:
            fields = ', '.join("('%s', %s)" % (m.name, py_member(model, m))
                               for m in idl.structs[name])
            out += ['', '', 'class %s(NDRSTRUCT):' % name,
                    '    structure = (%s,)' % fields if fields else '    structure = ()']
    out.append('')
    for iname in idl.iface_order:
        iface = idl.ifaces[iname]
        first = 3 + model.chain(iface)
        out += ['', '# %s' % iname,
                "IID_%s = uuidtup_to_bin(('%s', '0.0'))" % (iname, iface.uuid)]
        for k, meth in enumerate(iface.methods):
            ins, outs = model.lists(iface, meth)
            tin = ''.join("('%s', %s), " % (q.name, py_param(model, q, w)) for q, w in ins)
            tout = ''.join("('%s', %s), " % (q.name, py_param(model, q, w)) for q, w in outs)
            out.append("_method('%s_%s', '%s', %d, (%s), (%s))"
                       % (iname, meth.name, iname, first + k, tin, tout))
    return '\n'.join(out) + '\n'


def main():
    ap = argparse.ArgumentParser(description='generate the ISTM wire from its IDL')
    ap.add_argument('--acf', required=True)
    ap.add_argument('--c-header')
    ap.add_argument('--c-source')
    ap.add_argument('--python')
    ap.add_argument('idl', nargs='+')
    a = ap.parse_args()
    idl = Idl()
    for path in a.idl:
        with open(path) as f:
            parse(idl, f.read(), path)
    acf = Acf(a.acf)
    for name in acf.serve + sorted(acf.enumerators):
        if name not in idl.ifaces:
            raise SystemExit('%s: unknown interface %s' % (a.acf, name))
    for name in acf.propput:
        iname, prop = name.split('.')
        for meth in idl.ifaces[iname].methods:
            if meth.idl_name == prop and all('in' in q.attrs for q in meth.params):
                meth.name = 'put_' + prop
    for name, new in acf.rename.items():
        iname, old = name.split('.')
        for meth in idl.ifaces[iname].methods:
            if meth.name == old:
                meth.name = new
    model = Model(idl, acf)
    sources = ', '.join(p.split('/')[-1] for p in a.idl + [a.acf])
    for path, fn in ((a.c_header, c_header), (a.c_source, c_source), (a.python, python)):
        if path:
            text = fn(model, sources)
            with open(path + '.tmp', 'w') as f:
                f.write(text)
            import os
            os.replace(path + '.tmp', path)
    return 0


if __name__ == '__main__':
    sys.exit(main())
