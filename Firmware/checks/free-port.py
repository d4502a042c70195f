"""Prints a free TCP port on 127.0.0.1 (for the controller's API) and a random UDP port for the zone's group."""
import random
import socket

s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], random.randint(20000, 60000))
