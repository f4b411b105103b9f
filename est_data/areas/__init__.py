"""areas"""
