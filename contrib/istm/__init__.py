# istm: [MS-ISTM] clients on impacket (see base.py).
