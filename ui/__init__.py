"""The Streamlit app's shared pieces: session state and links, controls, charts, tables."""
